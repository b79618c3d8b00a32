"""``autograd-kata notebook``: the course as a notebook, in English or Chinese: a setup cell,
then per kata its statement, its stub and its check cell, each tagged in its metadata; an
existing notebook is never written over unasked."""
from __future__ import annotations

import json

import pytest

from cli_course import COURSE_KATAS, cli, course, course_copy  # noqa: F401  (fixtures)
from pytest_autograd_kata.notebook.document import METADATA_KEY, answer_code

nbformat = pytest.importorskip("nbformat")


def tags(notebook: dict) -> list[tuple]:
    return [(c["cell_type"], c["metadata"].get(METADATA_KEY, {}).get("kata"),
             c["metadata"].get(METADATA_KEY, {}).get("role")) for c in notebook["cells"]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_course_as_a_notebook(cli, course, lang: str) -> None:
    ran = cli("notebook", "--lang", lang, "work/course.ipynb")
    assert ran.code == 0 and "work/course.ipynb" in ran.out
    written = nbformat.read(course / "work" / "course.ipynb", as_version=4)
    nbformat.validate(written)
    notebook = json.loads((course / "work" / "course.ipynb").read_text(encoding="utf-8"))
    expected = [("markdown", None, None), ("code", None, "setup")]
    for kata in COURSE_KATAS:
        expected += [("markdown", kata.id, "statement"), ("code", kata.id, "answer"), ("code", kata.id, "check")]
    assert tags(notebook) == expected
    cells = {(kata, role): "".join(c["source"]) for c, (_, kata, role) in zip(notebook["cells"], tags(notebook))}
    setup = cells[None, "setup"]
    assert "%pip install --quiet \"pytest-autograd-kata[notebook]\"" in setup
    assert f"%env KATA_LANG={lang}" in setup and setup.endswith("%load_ext pytest_autograd_kata")
    for kata in COURSE_KATAS:
        assert cells[kata.id, "statement"].startswith(f"## {kata.id} · ")
        stub = (course / "katas" / kata.filename).read_text(encoding="utf-8")
        assert cells[kata.id, "answer"] == answer_code(stub).rstrip("\n")
        assert "NotImplementedError" in cells[kata.id, "answer"] and '"""' + kata.id not in cells[kata.id, "answer"]
        assert cells[kata.id, "check"] == f"%kata {kata.id}"
    # the statement in the notebook's language, with what Markdown would eat escaped
    k02 = cells["k02", "statement"]
    assert ("grad\\_fn=\\<MulBackward0\\>" in k02) and (("计算图" in k02) == (lang == "zh"))


def test_an_existing_notebook_is_kept_unless_forced(cli, course) -> None:
    (course / "mine.ipynb").write_text("my work", encoding="utf-8")
    ran = cli("notebook", "mine.ipynb")
    assert ran.code == 2 and "exists already" in ran.err and "--force" in ran.err
    assert (course / "mine.ipynb").read_text(encoding="utf-8") == "my work"
    assert cli("notebook", "mine.ipynb", "--force", "--install", "course @ git+https://example.org/c").code == 0
    assert '%pip install --quiet "course @ git+https://example.org/c"' in \
        "".join(json.loads((course / "mine.ipynb").read_text(encoding="utf-8"))["cells"][1]["source"])
