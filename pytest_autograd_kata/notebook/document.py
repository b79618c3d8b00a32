"""The course as a notebook file, and a notebook file's code cells.

The notebook ``autograd-kata notebook`` writes: a setup cell (installs the package where the
kernel lacks it, as on Colab; sets the language; loads the ``%kata`` magic), then per kata a
Markdown cell (its title and statement), a code cell with its stub and a check cell
``%kata kNN``. Each cell says what it is in its metadata, as nbgrader marks graded cells:
``metadata.autograd_kata = {"kata": "k03", "role": "answer"}`` (roles: ``statement``,
``answer``, ``check``; the setup cell's is ``setup``). Cell ids are fixed, so the same course
writes the same file.

Reading needs no nbformat: the grader reads learners' notebooks as JSON (format 4, as every
Jupyter and Colab of the last years writes).
"""
from __future__ import annotations

import ast
import json
import re

from ..course.data import Course
from ..course.i18n import t
from .cells import Cell

#: the cell metadata key the course's cells carry
METADATA_KEY = "autograd_kata"
SETUP, STATEMENT, ANSWER, CHECK = "setup", "statement", "answer", "check"
#: what the setup cell installs where the kernel lacks the package (``--install`` changes it)
DEFAULT_INSTALL = "pytest-autograd-kata[notebook]"
#: Markdown's special characters, escaped in the statements (``<MulBackward0>`` is not a tag)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|])")


class NotebookError(ValueError):
    """A file that is not a notebook this course can read; the message says why."""


def answer_code(stub: str) -> str:
    """The stub without its module docstring (the Markdown cell above says it)."""
    body = ast.parse(stub).body
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return "\n".join(stub.split("\n")[first.end_lineno:]).strip() + "\n"
    return stub


def course_notebook(course: Course, stubs: dict[str, str], lang: str, install: str = DEFAULT_INSTALL) -> dict:
    """The course as a notebook (nbformat's structure); ``stubs`` maps a kata id to its stub."""
    import nbformat

    v4 = nbformat.v4
    setup = (f"# {t('notebook_setup_comment', lang)}\n"
             "import importlib.util\n"
             "if importlib.util.find_spec(\"pytest_autograd_kata\") is None:\n"
             f"    %pip install --quiet {json.dumps(install)}\n"
             f"%env KATA_LANG={lang}\n"
             "%load_ext pytest_autograd_kata")
    cells = [v4.new_markdown_cell(t("notebook_intro", lang, count=len(course.katas)), id="intro"),
             v4.new_code_cell(setup, id="setup", metadata={METADATA_KEY: {"role": SETUP}})]
    for kata in course.katas:
        def tag(role: str) -> dict:
            return {METADATA_KEY: {"kata": kata.id, "role": role}}

        statement = _MARKDOWN.sub(r"\\\1", kata.text("statement", lang).strip())
        title = _MARKDOWN.sub(r"\\\1", kata.text("title", lang))
        cells += [v4.new_markdown_cell(f"## {kata.id} · {title}\n\n{statement}", id=f"{kata.id}-statement",
                                       metadata=tag(STATEMENT)),
                  v4.new_code_cell(answer_code(stubs[kata.id]).rstrip("\n"), id=f"{kata.id}-answer",
                                   metadata=tag(ANSWER)),
                  v4.new_code_cell(f"%kata {kata.id}", id=f"{kata.id}-check", metadata=tag(CHECK))]
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


def code_cells(text: str) -> list[Cell]:
    """The code cells of a notebook file's text, in their order, each labelled by its place
    among all cells (``cell 12``) and tagged with its kata when it is a kata's answer cell."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise NotebookError(t("notebook_not_json", error=err)) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(t("notebook_not_notebook"))
    if data.get("nbformat") != 4:
        raise NotebookError(t("notebook_old_format", version=data.get("nbformat")))
    cells = []
    for number, cell in enumerate(data["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(t("notebook_not_notebook"))
        metadata = cell.get("metadata")
        tag = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
        kata = tag.get("kata") if isinstance(tag, dict) and tag.get("role") == ANSWER else None
        cells.append(Cell(source, t("notebook_cell_label", number=number), kata if isinstance(kata, str) else None))
    return cells
