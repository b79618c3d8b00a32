"""A kata's module gathered from a notebook's cells: its functions and what they need, never an
experiment, a magic or a shell command; two katas that share a name kept apart; the messages
about the gathered code naming the notebook's cells."""
from __future__ import annotations

import json

import pytest

from conftest import COURSE
from pytest_autograd_kata.course import outcomes
from pytest_autograd_kata.course.i18n import set_language, t
from pytest_autograd_kata.notebook import wording
from pytest_autograd_kata.notebook.cells import Cell, Notebook
from pytest_autograd_kata.notebook.course import kata_names
from pytest_autograd_kata.notebook.document import METADATA_KEY, NotebookError, code_cells

NAMES = kata_names(COURSE)


def cells(*texts: str, tags: dict[int, str] | None = None) -> list[Cell]:
    return [Cell(text, f"In [{n}]", (tags or {}).get(n)) for n, text in enumerate(texts, 1)]


def gathered_source(kata: str, *texts: str, **kwargs) -> str:
    return Notebook(cells(*texts, **kwargs), NAMES).gather(kata).source


def test_the_names_are_what_each_stub_defines() -> None:
    assert NAMES["k03"] == {"backward_two_x_dot_x"}
    assert NAMES["k07"] == {"f", "gradient_of_f", "agrees_with_d_over_a"}
    assert NAMES["k10"] == {"f", "backward_through_f"}


def test_definitions_and_what_they_read_are_taken_and_experiments_never() -> None:
    source = gathered_source(
        "k02",
        "import torch\nimport numpy as np\nimport os",
        "x = torch.arange(4.0, requires_grad=True)\ny = two_x_dot_x(x)\nprint(y)\nos.remove('f')",
        "SCALE = 2.0\n\ndef _twice(v):\n    return SCALE * v\n\ndef two_x_dot_x(x):\n    y = _twice(torch.dot(x, x))\n    return y",
        "y.backward()\nx.grad")
    assert source == ("import torch\n\nSCALE = 2.0\n\ndef _twice(v):\n    return SCALE * v\n\n"
                      "def two_x_dot_x(x):\n    y = _twice(torch.dot(x, x))\n    return y\n")
    # `y` and `x` are the function's own locals: the experiments that bind them globally stay out,
    # and so do `np` and `os`, which nothing taken reads.


def test_the_last_definition_wins_as_in_the_kernel() -> None:
    source = gathered_source("k03", "def backward_two_x_dot_x(x):\n    return 1",
                             "def backward_two_x_dot_x(x):\n    (2 * x @ x).backward()")
    assert source == "def backward_two_x_dot_x(x):\n    (2 * x @ x).backward()\n"


def test_two_katas_that_share_a_name_each_get_their_own() -> None:
    k07 = "def f(a):\n    return a * 2\n\ndef gradient_of_f(a):\n    return f(a)\n\ndef agrees_with_d_over_a(g, d, a):\n    return True"
    k10 = "def f(a):\n    return a * 3\n\ndef backward_through_f(a):\n    return f(a)"
    assert "return a * 2" in gathered_source("k07", k07, k10) and "a * 3" not in gathered_source("k07", k07, k10)
    assert "return a * 3" in gathered_source("k10", k07, k10) and "a * 2" not in gathered_source("k10", k07, k10)
    # The notebook's tags say whose a cell is, whatever it defines.
    tagged = gathered_source("k10", "def f(a):\n    return a * 3", k07, "def backward_through_f(a):\n    return f(a)",
                             tags={1: "k10"})
    assert "return a * 3" in tagged and "a * 2" not in tagged


def test_a_kata_may_use_another_katas_function() -> None:
    source = gathered_source("k03", "import torch\n\ndef two_x_dot_x(x):\n    return 2 * torch.dot(x, x)",
                             "def backward_two_x_dot_x(x):\n    two_x_dot_x(x).backward()")
    assert "def two_x_dot_x" in source and "import torch" in source


def test_magics_and_shell_commands_are_left_out_and_named() -> None:
    notebook = Notebook(cells("!pip install tqdm\n%matplotlib inline\nimport torch",
                              "def backward_two_x_dot_x(x):\n    files = !ls\n    if x is None:\n        %time pass\n"
                              "    (2 * x @ x).backward()\n%kata k03",
                              "%%bash\necho def backward_two_x_dot_x"), NAMES)
    gathered = notebook.gather("k03")
    assert gathered.source == ("def backward_two_x_dot_x(x):\n    pass\n    if x is None:\n        pass\n"
                               "    (2 * x @ x).backward()\n")
    # only the lines of the cells its code came from; the course's own %kata is no news
    assert gathered.dropped == [("In [2]", "files = !ls"), ("In [2]", "%time pass")]


def test_a_cell_that_does_not_parse_is_left_out_and_named_for_its_kata() -> None:
    gathered = Notebook(cells("def backward_two_x_dot_x(x)\n    pass", "def two_x_dot_x(x):\n    return x"),
                        NAMES).gather("k03")
    assert not gathered.defined
    assert gathered.unparsed == [("In [1]", "SyntaxError at line 1: expected ':'")]
    assert Notebook(cells("def backward_two_x_dot_x(x)\n    pass"), NAMES).gather("k02").unparsed == []


def test_a_percent_line_inside_a_string_of_a_cell_that_parses_stays() -> None:
    source = gathered_source("k03", 'def backward_two_x_dot_x(x):\n    """Rate:\n%d per cent"""\n    return None')
    assert "%d per cent" in source


def test_messages_name_the_cell_and_its_line() -> None:
    gathered = Notebook(cells("import torch", "\n\ndef backward_two_x_dot_x(x):\n    y = x @ x\n    raise ValueError"),
                        NAMES).gather("k03")
    shown = "your k03 code in this notebook"
    line = gathered.source.split("\n").index("    raise ValueError") + 1
    set_language("en")
    message = "ValueError: \n" + t("raised_in_learner_code", path=shown, line=line, code="raise ValueError")
    assert wording.relabelled(message, gathered, shown).endswith("at In [2], line 5: raise ValueError")
    zh = t("raised_in_learner_code", "zh", path=shown, line=line, code="raise ValueError")
    assert "In [2] 第 5 行" in wording.relabelled(zh, gathered, shown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_to_do_is_told_for_a_notebook(lang: str) -> None:
    set_language(lang)
    shown = "your k03 code in this notebook"
    try:
        for status, message, told in (
                (outcomes.NOT_STARTED, t("not_started", path=shown, function="backward_two_x_dot_x"),
                 t("notebook_not_started", function="backward_two_x_dot_x")),
                (outcomes.FAILED, t("breakpoint_unavailable"), t("notebook_breakpoint", kata="k03"))):
            check = outcomes.CheckResult("k03", "test", status, message + "\nexample")
            result = wording.reworded(outcomes.KataResult("k03", "Backward", 1, [check]),
                                      Notebook([], NAMES).gather("k03"), shown)
            assert result.checks[0].message == told + "\nexample"
    finally:
        set_language("en")


def test_a_notebook_files_code_cells_with_their_tags(tmp_path) -> None:
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# k03"]},
        {"cell_type": "code", "metadata": {METADATA_KEY: {"kata": "k03", "role": "answer"}}, "outputs": [],
         "execution_count": None, "source": ["def f():\n", "    pass"]},
        {"cell_type": "code", "metadata": {METADATA_KEY: {"kata": "k03", "role": "check"}}, "outputs": [],
         "execution_count": None, "source": "%kata k03"}]}
    found = code_cells(json.dumps(notebook))
    assert found == [Cell("def f():\n    pass", "cell 2", "k03"), Cell("%kata k03", "cell 3", None)]
    for text, says in (("{", "not JSON"), ("[]", "no list of cells"), (json.dumps({**notebook, "nbformat": 3}), "format 3")):
        with pytest.raises(NotebookError, match=says):
            code_cells(text)
