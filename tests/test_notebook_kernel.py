"""The course in a real Jupyter kernel (ipykernel, driven by nbclient), as a learner does it:
the generated notebook untouched (every kata not started), with the reference solutions pasted
into its answer cells (every kata done, k12's plot shown), one wrong kata (the message
`autograd-kata run` gives for the same code), code that loops forever or ends its process
(stopped at the time limit, the kernel and the learner's variables untouched), and code and
cells that forge a verdict with escape sequences (shown inert).

One kernel for the module, in a copy of the course: the check service it starts stays warm from
one test to the next, as it does for a learner, and is stopped at the end."""
from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from conftest import COURSE, KATAS, REPO, SOLUTIONS  # noqa: E402
from hostile_text import FORGERY, FORGERY_SHOWN, HOSTILE, TRICKS_SHOWN, hidden  # noqa: E402
from pytest_autograd_kata.cli import main  # noqa: E402
from pytest_autograd_kata.trusted.service import stop  # noqa: E402
from pytest_autograd_kata.course.workspace import find  # noqa: E402
from pytest_autograd_kata.notebook.course import stub  # noqa: E402
from pytest_autograd_kata.notebook.document import METADATA_KEY, answer_code, course_notebook  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: a wrong k03: y = xᵀx, so x.grad is 2·x where the kata asks for 4·x
WRONG_K03 = "import torch\n\n\ndef backward_two_x_dot_x(x: torch.Tensor) -> None:\n    (x @ x).backward()\n"


class Kernel:
    """A kernel in the course copy ``root``; :meth:`run` executes one more cell in it."""

    def __init__(self, client, root: Path) -> None:
        self.client, self.root = client, root
        self.replies: list[dict] = []
        client.on_cell_executed = lambda cell, cell_index, execute_reply: self.replies.append(execute_reply)

    def run(self, source: str, metadata: dict | None = None) -> str:
        """Execute ``source`` as the next cell; what it showed, as text (streams, then the plain
        text of each display), with its errors."""
        cell = nbformat.v4.new_code_cell(source, metadata=metadata or {})
        self.client.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        return "\n".join(shown(output) for output in cell.outputs)

    def images(self) -> list[bytes]:
        """The PNG images the last cell showed."""
        return [base64.b64decode(o.data["image/png"]) for o in self.client.nb.cells[-1].outputs
                if "image/png" in o.get("data", {})]


def shown(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    return output.data.get("text/plain", "")


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The course copy and the notebook written for it."""
    root = tmp_path_factory.mktemp("notebook-course")
    shutil.copytree(KATAS, root / "katas")
    shutil.copytree(SOLUTIONS, root / "solutions")
    ws = find(root)
    return {"root": root, "cells": course_notebook(ws.course, {k.id: stub(ws.course, k) for k in ws.course.katas},
                                                   "en")["cells"]}


@pytest.fixture(scope="module")
def kernel(notebook: dict):
    root = notebook["root"]
    env = {name: value for name, value in os.environ.items() if not name.startswith("KATA_")}
    env.update(LC_ALL="C", PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))
    client = nbclient.NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", timeout=600,
                                     allow_errors=True, resources={"metadata": {"path": str(root)}})
    try:
        with client.setup_kernel(env=env):
            yield Kernel(client, root)
    finally:
        stop(find(root))


def role(cell: dict) -> tuple[str | None, str | None]:
    tag = cell["metadata"].get(METADATA_KEY, {})
    return tag.get("kata"), tag.get("role")


def check_outputs(kernel: Kernel, notebook: dict, answers: dict[str, str]) -> dict[str, str]:
    """Run the notebook's cells in order, each answer cell holding ``answers[kata]`` when given;
    what each check cell showed, by kata."""
    seen = {}
    for cell in notebook["cells"]:
        kata, what = role(cell)
        if cell["cell_type"] != "code":
            continue
        output = kernel.run(answers.get(kata, cell["source"]) if what == "answer" else cell["source"], cell["metadata"])
        if what == "check":
            seen[kata] = output
    return seen


def test_the_untouched_notebook_shows_every_kata_not_started(kernel: Kernel, notebook: dict) -> None:
    seen = check_outputs(kernel, notebook, {})
    assert sorted(seen) == [k.id for k in COURSE.katas]
    for kata in COURSE.katas:
        assert re.search(rf"^  · {kata.id}  .*not started", seen[kata.id], re.MULTILINE), seen[kata.id]
        assert "still raises NotImplementedError. Write it in its cell" in seen[kata.id]
        assert f"`%kata hint {kata.id}`" in seen[kata.id]


def test_the_reference_solutions_pass_every_kata_and_k12_shows_its_plot(kernel: Kernel, notebook: dict) -> None:
    solutions = {k.id: (SOLUTIONS / k.filename).read_text(encoding="utf-8") for k in COURSE.katas}
    seen = {}
    for cell in notebook["cells"]:
        kata, what = role(cell)
        if what == "answer":
            kernel.run(solutions[kata])
        elif what == "check":
            seen[kata] = kernel.run(cell["source"])
            if kata == "k12":
                plots = kernel.images()
    for kata in COURSE.katas:
        assert re.search(rf"^  ✔ {kata.id}  .*done \((\d+)/\1\)", seen[kata.id], re.MULTILINE), seen[kata.id]
    assert "every kata is done" in seen[COURSE.katas[-1].id]
    assert len(plots) == 1 and plots[0].startswith(PNG_SIGNATURE)
    board = kernel.run("%kata")
    assert f"{len(COURSE.katas)}/{len(COURSE.katas)} done" in board and "Every kata is done" in board


def test_a_wrong_kata_fails_with_the_message_run_gives_for_the_same_code(kernel: Kernel, capfd, monkeypatch) -> None:
    kernel.run(WRONG_K03)
    in_notebook = kernel.run("%kata k03")
    (kernel.root / "katas" / COURSE.get("k03").filename).write_text(WRONG_K03, encoding="utf-8")
    monkeypatch.chdir(kernel.root)
    monkeypatch.setenv("KATA_LANG", "en")
    capfd.readouterr()
    assert main(["run", "k03"]) == 1
    in_terminal = capfd.readouterr().out
    checks = in_terminal[:in_terminal.index("Stuck?")]
    assert "y is not what it should be" in checks and "expected" in checks  # y = xᵀx: the 2 is missing
    assert checks in in_notebook  # the same verdict, checks and words
    assert "`%kata hint k03`" in in_notebook
    assert "(x @ x).backward()" in kernel.run("%kata source k03")


def test_a_hint_and_a_reset_work_as_in_the_terminal(kernel: Kernel) -> None:
    hints = COURSE.get("k03").hints["en"]
    assert kernel.run("%kata hint k03").startswith(f"Hint 1/{len(hints)}: {hints[0]}")
    assert kernel.run("%kata hint k03").startswith(f"Hint 2/{len(hints)}: {hints[1]}")
    assert "original code of k03 is in a new cell below" in kernel.run("%kata reset k03")
    [new_cell] = [p for p in kernel.replies[-1]["content"]["payload"] if p["source"] == "set_next_input"]
    assert new_cell["text"] == answer_code(stub(COURSE, COURSE.get("k03"))) and not new_cell["replace"]
    assert "k01 通过了全部检查" in kernel.run("%kata --lang zh k01")  # k01 is still the reference solution


def test_a_runaway_loop_and_a_crash_stop_in_their_process_and_the_kernel_goes_on(kernel: Kernel) -> None:
    kernel.run("import os, torch\nx = torch.arange(3.0, requires_grad=True)\nkept = x\n%env KATA_TIMEOUT=2")
    kernel.run("def two_x_dot_x(x):\n    while True:\n        try:\n            x = x + 1\n"
               "        except BaseException:\n            pass")
    looped = kernel.run("%kata k02")
    assert re.search(r"^  ⏱ k02  .*timeout", looped, re.MULTILINE), looped
    assert "used more than 2 s of processor time in this check and was stopped" in looped
    kernel.run("def make_x(n, device='cpu'):\n    os._exit(3)")
    crashed = kernel.run("%kata k01")
    assert "ended (exit code 3)" in crashed, crashed
    # The kernel answers, and the learner's variables are as they were.
    assert kernel.run("print(kept is x, x.tolist(), x.grad, x.requires_grad)").strip() == "True [0.0, 1.0, 2.0] None True"


def test_what_a_forgers_code_raised_printed_and_left_in_its_cell_is_shown_inert(kernel: Kernel) -> None:
    # A magic line that forges (no carriage return: in a cell it would end the line), left out of the checks.
    kernel.run("%load_ext pytest_autograd_kata")  # as the notebook's first cell does
    kernel.run(f"%env KATA_FORGED={FORGERY.replace(chr(13), '')}\n{HOSTILE['k01']}")
    magic_shown = "%env KATA_FORGED=\\x1b[1A\\x1b[2K  ✔ every kata passed"
    raised_shown = f"Shady: {FORGERY_SHOWN}"  # the gathered code leaves out the renaming of the class
    for command in ("%kata k01", "%kata k01 -v", "%kata source k01"):
        shown = kernel.run(command)
        html = "".join(o.get("data", {}).get("text/html", "") for o in kernel.client.nb.cells[-1].outputs)
        assert hidden(shown + html) == [], command
        assert magic_shown in shown, command
        if command != "%kata source k01":
            assert raised_shown in shown and TRICKS_SHOWN in shown and raised_shown in html, command
