"""Shared helpers for the project's own tests."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# pytester's in-process runs drop every module first imported during the run; re-importing
# numpy's and torch's compiled extensions afterwards crashes the interpreter. Import them
# here, before any run, so they stay.
import numpy.random  # noqa: F401  (hypothesis draws seeds with it)
import pytest_autograd_kata.assertions
import pytest_autograd_kata.runner.client  # noqa: F401  (its shared runner outlives each run)
import pytest_autograd_kata.strategies  # noqa: F401
from pytest_autograd_kata.course.data import load_course

# torch's own lazy imports (torch.distributed, sympy) too: dropped after each run, they would
# be imported again by every run, and some of them do not survive that.
pytest_autograd_kata.assertions.warm_up()

REPO = Path(__file__).resolve().parents[1]
KATAS = REPO / "katas"
SOLUTIONS = REPO / "solutions"
COURSE = load_course(KATAS)


@pytest.fixture(autouse=True)
def no_kata_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs inside a test read KATA_* and the locale: start each test from none of them, so a
    developer's KATA_LANG=zh or Chinese locale does not change what the tests see."""
    for name in ("KATA_TARGET", "KATA_DEVICES", "KATA_LANG", "KATA_TIMEOUT", "KATA_JOBS", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "C")


def checks_file(kata_id: str) -> Path:
    return KATAS / f"test_{COURSE.get(kata_id).module}.py"


@pytest.fixture
def run_kata(pytester: pytest.Pytester):
    """Run one kata's checks in-process against a module file; return the kata's JSON result."""

    def run(kata_id: str, module_file: Path, *args: str, solved_others: bool = False) -> dict:
        """``solved_others``: the other katas' reference solutions are in the folder too, as
        in the folder of a learner who did the katas before this one."""
        target = pytester.path / "target"
        target.mkdir(exist_ok=True)
        if solved_others:
            for solution in SOLUTIONS.glob("k*.py"):
                shutil.copy(solution, target)
        shutil.copy(module_file, target / COURSE.get(kata_id).filename)
        report = pytester.path / "report.json"
        pytester.runpytest_inprocess(str(checks_file(kata_id)), f"--kata-target={target}",
                                     f"--kata-report={report}", "-p", "no:cacheprovider", *args)
        katas = json.loads(report.read_text(encoding="utf-8"))["katas"]
        return next(k for k in katas if k["id"] == kata_id)

    return run


@pytest.fixture(scope="module")
def remote_kata():
    """``remote_kata(source)``: a learner's module from source text, loaded in a learner
    process of the shared runner, as the ``kata`` fixture gives it to a check."""
    from pytest_autograd_kata.remote import Budget, KataSource, RemoteKata
    from pytest_autograd_kata.runner.client import shared

    made = []

    def make(source: str, module: str = "k00_learner") -> RemoteKata:
        kata = RemoteKata(shared(), KataSource({module: source}, {module: f"{module}.py"}, module), "k00")
        kata.begin_check(Budget(60))
        made.append(kata)
        return kata

    yield make
    for kata in made:
        kata.close()
