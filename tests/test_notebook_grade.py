"""``autograd-kata grade`` with notebooks beside folders: a notebook holding the same code as a
folder scores the same, whether the course's notebook tagged its cells or the learner wrote
cells of their own; experiments, magics and shell commands are never run; a notebook that
cannot be read or defines nothing scores 0 saying why; nothing is written into the notebooks."""
from __future__ import annotations

import csv
import json
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.course import i18n
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.course.feedback import KATA_ARGUMENT
from pytest_autograd_kata.notebook.course import stub
from pytest_autograd_kata.notebook.document import METADATA_KEY, course_notebook

GRADED = ("k02", "k03")
SOLUTION = {k: (SOLUTIONS / COURSE.get(k).filename).read_text(encoding="utf-8") for k in GRADED}
#: y = xᵀx: x.grad is 2·x where the kata asks for 4·x
WRONG_K03 = "import torch\n\n\ndef backward_two_x_dot_x(x: torch.Tensor) -> None:\n    (x @ x).backward()\n"
#: a cell that would do harm if the grader ran it
HARM = "import shutil\nshutil.rmtree('/')\nraise SystemExit(1)"


def code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}


def write_notebook(path: Path, cells: list[dict]) -> Path:
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("notebooks")
    answers = {"k02": SOLUTION["k02"], "k03": WRONG_K03}
    # alice: a folder of kata files
    (root / "alice").mkdir()
    for kata_id, text in answers.items():
        (root / "alice" / COURSE.get(kata_id).filename).write_text(text, encoding="utf-8")
    # bob: the course's notebook, the same code in its tagged answer cells, a harmful cell after
    cells = course_notebook(COURSE, {k.id: stub(COURSE, k) for k in COURSE.katas}, "en")["cells"]
    for cell in cells:
        tag = cell["metadata"].get(METADATA_KEY, {})
        if tag.get("role") == "answer" and tag["kata"] in answers:
            cell["source"] = answers[tag["kata"]]
    bob = write_notebook(root / "bob.ipynb", [*cells, code(HARM)])
    # carol: cells of her own, no tags: experiments, a shell command, a cell that does not parse
    carol = write_notebook(root / "carol.ipynb", [
        code("import torch"),
        code(SOLUTION["k02"].replace("import torch\n", "")),
        code("x = torch.arange(4.0, requires_grad=True)\nprint(two_x_dot_x(x))\n" + HARM),
        code("def backward_two_x_dot_x(x):\n    %time (x @ x).backward()"),
        code("def broken(:\n    pass"),
        code("!pip install tqdm\n" + WRONG_K03)])
    dave = root / "dave.ipynb"
    dave.write_text("{not json", encoding="utf-8")
    erin = write_notebook(root / "erin.ipynb", [code("print('hello')")])
    submissions = [root / "alice", bob, carol, dave, erin]
    before = {p: p.read_bytes() for p in submissions if p.is_file()}
    out = root / "out"
    language = i18n.current_language()
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        code_ = main(["--lang", "en", "grade", *map(str, submissions), "--out", str(out), "--course", str(KATAS),
                      "--katas", ",".join(GRADED), "--jobs", "1", "--timeout", "30"])
    i18n.set_language(language)
    assert code_ == 0
    assert all(p.read_bytes() == data for p, data in before.items())
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        rows = {row["submission"]: row for row in csv.DictReader(book)}
    reports = {name: json.loads((out / "submissions" / name / "report.json").read_text(encoding="utf-8"))
               for name in rows}
    return rows, reports


def kata(report: dict, kata_id: str) -> dict:
    return next(k for k in report["katas"] if k["id"] == kata_id)


def test_a_notebook_scores_as_a_folder_with_the_same_code(graded) -> None:
    rows, _ = graded
    assert sorted(rows) == ["alice", "bob", "carol", "dave", "erin"]
    for name in ("alice", "bob", "carol"):
        assert (rows[name]["k02"], rows[name]["k03"], rows[name]["total"]) == ("1", "0", "1"), name


def test_a_notebooks_failure_has_the_folders_message(graded) -> None:
    _, reports = graded
    [alice_check] = kata(reports["alice"], "k03")["checks"]
    for name in ("bob", "carol"):
        [check] = kata(reports[name], "k03")["checks"]
        assert check["status"] == alice_check["status"] == "failed"
        # word for word, but for the fixture Hypothesis lists in the example (named by its file)
        assert KATA_ARGUMENT.sub("", check["message"]) == KATA_ARGUMENT.sub("", alice_check["message"])
        assert "y is not what it should be" in check["message"]  # y = xᵀx: the 2 is missing


def test_magics_are_named_where_a_failing_katas_code_came_from(graded) -> None:
    _, reports = graded
    # carol's k03 is her last definition of it, in cell 6, beside a shell command; the cell with
    # %time it replaced, and the cell that does not parse, are none of k03's code
    assert kata(reports["carol"], "k03")["message"] == ("Left out of the checked code (magics and shell commands "
                                                        "never run with the checks; if your code needs them, do it "
                                                        "in Python): cell 6: !pip install tqdm")
    assert kata(reports["bob"], "k03")["message"] == ""


def test_a_notebook_that_cannot_be_read_or_defines_nothing_scores_0_saying_why(graded) -> None:
    rows, reports = graded
    assert rows["dave"]["total"] == rows["erin"]["total"] == "0"
    for kata_id in GRADED:
        assert kata(reports["dave"], kata_id)["status"] == "error"
        assert {c["message"] for c in kata(reports["dave"], kata_id)["checks"]} == {
            "dave.ipynb cannot be read as a notebook: not a notebook: the file is not JSON "
            "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"}
    assert {c["message"] for c in kata(reports["erin"], "k03")["checks"]} == {
        "the notebook's code cells define none of `backward_two_x_dot_x`."}
