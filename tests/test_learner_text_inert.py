"""Learner-made text reaches every report, summary, console and gradebook inert: an exception's
message and type name, an object's repr, what the learner's code printed, a submission's name
and a notebook's cells, with cursor moves, line erasures, carriage returns and bidi overrides in
them, are shown as escapes (``\\x1b[1A``), never obeyed; newlines, tabs and Chinese text stay
as they are (:mod:`pytest_autograd_kata.course.inert`, tested first on its own).

A hostile learner forges a verdict (cursor up, erase the line, "✔ every kata passed") in what
their code raises and prints, beside an honest classmate, and is graded with ``autograd-kata
grade``, run with ``autograd-kata run`` and checked with ``pytest katas`` as a learner does."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Iterator

import pytest

from cli_course import K01, cli, course, course_copy  # noqa: F401  (fixtures)
from conftest import COURSE, checks_file
from grade_class import FILES, GRADED, SOLUTION, Sub, gradebook, grade, kata, private_course, report
from hostile_text import (FORGERY, FORGERY_SHOWN, HOSTILE, PRINTED_K02_SHOWN, TRICKS, TRICKS_SHOWN,
                          TYPE_NAME, TYPE_NAME_SHOWN, hidden)
from pytest_autograd_kata.course import i18n
from pytest_autograd_kata.course.data import LANGS
from pytest_autograd_kata.course.i18n import catalog
from pytest_autograd_kata.course.inert import inert, inert_line

#: a submission folder's name chosen to forge a line of its own
HOSTILE_NAME = "eve\x1b[1A\x1b[2K\u202e\n✔ all done"
HOSTILE_NAME_SHOWN = "eve\\x1b[1A\\x1b[2K\\u202e\\n✔ all done"


def strings(data: object) -> list[str]:
    """Every string of a decoded JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in strings(key) + strings(value)]
    if isinstance(data, list):
        return [s for item in data for s in strings(item)]
    return []


def assert_inert_json(path: Path) -> None:
    """``path`` holds no hidden character, neither in its bytes nor in any string it decodes to."""
    text = path.read_text(encoding="utf-8")
    assert hidden(text) == [], path
    assert [s for s in strings(json.loads(text)) if hidden(s)] == [], path


def assert_no_forged_verdict(text: str) -> None:
    """Each line that says the forger's verdict shows the escapes that were to hide what it covers."""
    forged = [line for line in text.splitlines() if "every kata passed" in line]
    assert forged and all(FORGERY_SHOWN in line for line in forged)


# ------------------------------------------------------------------ the function


@pytest.mark.parametrize("raw, shown", [
    ("\x00 \x07 \x08 \x0b \x0c \x1b \x1f", "\\x00 \\x07 \\x08 \\x0b \\x0c \\x1b \\x1f"),  # C0
    ("\x7f", "\\x7f"),  # DEL
    ("\x80 \x85 \x9b \x9f", "\\x80 \\x85 \\x9b \\x9f"),  # C1
    ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),  # bidi embeddings, overrides
    ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),  # bidi isolates
    ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),  # direction marks
    ("a\u200bb\u200dc\u2060d\ufeff", "a\\u200bb\\u200dc\\u2060d\\ufeff"),  # zero-width, BOM
    ("\U000e0041", "\\U000e0041"),  # a tag character
    ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # line and paragraph separators: no forged lines
    ("\ud800", "\\ud800"),  # a lone surrogate
    ("\U000e0080", "\\U000e0080"),  # unassigned
])
def test_each_kind_of_hidden_character_is_shown_as_its_escape(raw: str, shown: str) -> None:
    assert inert(raw) == shown
    assert inert_line(raw) == shown


def test_newlines_and_tabs_are_kept_and_windows_line_ends_are_newlines() -> None:
    assert inert("first\n\tsecond\n") == "first\n\tsecond\n"
    assert inert("first\r\nsecond\r\n") == "first\nsecond\n"
    assert inert("50%\r100%") == "50%\\r100%"  # a carriage return alone would overwrite the line
    assert inert("a\r\r\nb") == "a\\r\nb"


def test_a_name_shows_its_line_breaks_and_tabs_too() -> None:
    assert inert_line("eve\n✔ all done\r\tx") == "eve\\n✔ all done\\r\\tx"
    assert inert_line("first\r\nsecond") == "first\\nsecond"


def test_printable_text_of_every_script_is_untouched() -> None:
    text = "梯度：∂y/∂x（第 3 行）\u3000x.grad 不对 — é ß Ω 🙂 👍🏽 \xa0 \\x1b C:\\path"
    assert inert(text) == text
    assert inert_line(text) == text


def test_what_the_course_itself_says_passes_unchanged() -> None:
    """Every message and every kata's text, in both languages, is left as it is: where it is
    joined with the learner's text and made inert with it, it reads as written."""
    texts = [text for entry in catalog().values() for text in entry.values() if isinstance(text, str)]
    for kata in COURSE.katas:
        for lang in LANGS:
            texts += [kata.text("title", lang), kata.text("statement", lang), *kata.text("hints", lang)]
    assert [text for text in texts if inert(text) != text] == []


def test_made_inert_twice_is_made_inert_once() -> None:
    text = FORGERY + "\r\n" + TRICKS + "\t\u2028\ud800"
    assert inert(inert(text)) == inert(text)
    assert inert_line(inert_line(text)) == inert_line(text)
    assert inert_line(inert(text)) == inert_line(text)


# ------------------------------------------------------------------ autograd-kata grade


def notebook(path: Path, cells: list[str]) -> Path:
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": cell}
        for cell in cells]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """alice (honest), mallory (the forger), a folder with a forging name (the solutions), and a
    notebook whose dropped magic line forges one; graded, with what the grader's console showed."""
    root = tmp_path_factory.mktemp("inert")
    course, _ = private_course(root / "teacher")
    subs = root / "subs"
    folders = [Sub().build(subs / "alice"), Sub(files=dict(HOSTILE)).build(subs / "mallory"),
               Sub().build(subs / HOSTILE_NAME)]
    folders.append(notebook(subs / "nina.ipynb", [
        f"%ls {FORGERY}\nimport torch\n\n\ndef make_x(n, device='cpu'):\n    return torch.arange(n, device=device)\n"]))
    out, shown = root / "out", root / "console.txt"
    language = i18n.current_language()
    with console(shown):
        code = grade(folders, out, course, jobs=1)
    i18n.set_language(language)
    return out, code, shown.read_text(encoding="utf-8")


@contextmanager
def console(path: Path) -> Iterator[None]:
    """What this process and every process it starts write to standard output and error, into ``path``."""
    with path.open("a", encoding="utf-8") as file, redirect_stdout(file), redirect_stderr(file):
        saved = os.dup(1), os.dup(2)
        os.dup2(file.fileno(), 1)
        os.dup2(file.fileno(), 2)
        try:
            yield
        finally:
            file.flush()
            for fd, kept in zip((1, 2), saved):
                os.dup2(kept, fd)
                os.close(kept)


def test_the_forger_and_the_classmates_get_their_true_scores(graded) -> None:
    out, code, _ = graded
    assert code == 0
    book = gradebook(out)
    assert {name: row["total"] for name, row in book.items()} == {
        "alice": "3", "mallory": "1", HOSTILE_NAME_SHOWN: "3", "nina": "0"}
    assert kata(out, "mallory", "k01")["status"] == "failed"
    assert kata(out, "mallory", "k02")["status"] == "failed"


def test_the_grader_console_and_the_summary_show_the_forgery_and_obey_none_of_it(graded) -> None:
    out, _, said = graded
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    for text in (summary, said):
        assert hidden(text) == []
        assert f"{TYPE_NAME_SHOWN}: {FORGERY_SHOWN}" in text
        assert_no_forged_verdict(text)


def test_the_gradebook_names_a_forging_submission_by_its_escaped_name(graded) -> None:
    out, _, _ = graded
    book = (out / "gradebook.csv").read_text(encoding="utf-8")
    assert hidden(book) == []
    assert f"\n{HOSTILE_NAME_SHOWN}," in book
    assert (out / "submissions" / HOSTILE_NAME_SHOWN / "report.json").is_file()


def test_a_stray_file_among_the_submissions_is_named_inert(tmp_path: Path, capsys) -> None:
    course, _ = private_course(tmp_path / "teacher")
    stray = tmp_path / "subs" / HOSTILE_NAME
    stray.parent.mkdir()
    stray.write_text("not a folder", encoding="utf-8")
    assert grade([stray], tmp_path / "out", course, jobs=1) == 2
    said = capsys.readouterr().err
    assert hidden(said) == [] and HOSTILE_NAME_SHOWN in said


def test_reports_and_gradescope_results_show_what_the_learner_raised_and_printed(graded) -> None:
    out, _, _ = graded
    for name in ("alice", "mallory", HOSTILE_NAME_SHOWN, "nina"):
        for file in ("report.json", "results.json"):
            assert_inert_json(out / "submissions" / name / file)
    assert report(out, HOSTILE_NAME_SHOWN)["target"] == HOSTILE_NAME_SHOWN
    k01 = kata(out, "mallory", "k01")
    raised = f"{TYPE_NAME_SHOWN}: {FORGERY_SHOWN}\n{TRICKS_SHOWN}"
    assert all(check["message"].startswith(raised) for check in k01["checks"])
    assert all(check["output"].startswith(f"{FORGERY_SHOWN}\n{TRICKS_SHOWN}\n") for check in k01["checks"])
    assert PRINTED_K02_SHOWN in {check["output"] for check in kata(out, "mallory", "k02")["checks"]}
    results = json.loads((out / "submissions" / "mallory" / "results.json").read_text(encoding="utf-8"))
    assert raised in results["tests"][0]["output"]


def test_a_notebooks_dropped_line_is_shown_inert(graded) -> None:
    out, _, _ = graded
    k01 = kata(out, "nina", "k01")
    assert f"%ls {FORGERY_SHOWN}" in k01["message"]


# ------------------------------------------------------------------ the learner's own commands


def write_hostile_k01(root: Path) -> None:
    (root / "katas" / K01.filename).write_text(HOSTILE["k01"], encoding="utf-8")


@pytest.mark.parametrize("verbose", [(), ("-v",)])
def test_run_shows_the_forgery_and_obeys_none_of_it(cli, course, verbose) -> None:
    write_hostile_k01(course)
    ran = cli("run", "k01", *verbose)
    assert ran.code == 1
    assert hidden(ran.out + ran.err) == []
    assert f"{TYPE_NAME_SHOWN}: {FORGERY_SHOWN}" in ran.out and TRICKS_SHOWN in ran.out
    assert_no_forged_verdict(ran.out)
    if verbose:
        assert f"│ {FORGERY_SHOWN}" in ran.out and f"│ {TRICKS_SHOWN}" in ran.out


@pytest.mark.parametrize("verbose", [(), ("-v",)])
def test_pytest_katas_shows_the_forgery_and_obeys_none_of_it(pytester: pytest.Pytester, verbose) -> None:
    target = pytester.path / "target"
    target.mkdir()
    for kata_id in GRADED:
        (target / FILES[kata_id]).write_text(HOSTILE.get(kata_id, SOLUTION[kata_id]), encoding="utf-8")
    reports = pytester.path / "report.json", pytester.path / "results.json"
    result = pytester.runpytest_inprocess(*(str(checks_file(k)) for k in GRADED), f"--kata-target={target}",
                                          f"--kata-report={reports[0]}", f"--kata-gradescope={reports[1]}",
                                          "-p", "no:cacheprovider", *verbose)
    shown = result.stdout.str()
    assert hidden(shown) == []
    assert FORGERY_SHOWN in shown and TRICKS_SHOWN in shown and TYPE_NAME_SHOWN in shown
    assert_no_forged_verdict(shown)
    for path in reports:
        assert_inert_json(path)
    k02 = next(k for k in json.loads(reports[0].read_text(encoding="utf-8"))["katas"] if k["id"] == "k02")
    assert PRINTED_K02_SHOWN in {check["output"] for check in k02["checks"]}


#: a check that quotes what the learner's function returned as pytest does: by its repr
QUOTING_CHECK = """
import pytest

pytestmark = pytest.mark.kata("k03")


def test_returns_nothing(kata):
    assert kata.backward_two_x_dot_x(None) is None
"""


def test_an_objects_type_name_and_repr_reach_pytests_console_inert(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_k03=QUOTING_CHECK)
    pytester.mkdir("katas").joinpath("k03_backward.py").write_text(
        f"class Shady:\n    def __repr__(self):\n        return {FORGERY + chr(10) + TRICKS!r}\n\n\n"
        f"Shady.__qualname__ = {TYPE_NAME!r}\n\n\n"
        "def backward_two_x_dot_x(x):\n    return Shady()\n", encoding="utf-8")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    shown = result.stdout.str()
    assert hidden(shown) == []
    assert f"<k03_backward.{TYPE_NAME_SHOWN} in the learner's process: {FORGERY_SHOWN}" in shown
