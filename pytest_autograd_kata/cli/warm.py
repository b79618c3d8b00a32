"""Checking a kata fast, again and again: for ``watch``.

A cold ``pytest`` spends seconds importing torch, Hypothesis and the checks. Here one process
imports them once (a collect-only pytest run over every kata's checks), and each recheck runs
pytest in a fresh ``fork()`` of it: the child starts warm, imports the learner's file anew
(it was never imported in the parent), and whatever the learner's code does ends with it.
Where there is no ``fork`` (Windows), each recheck is a child process like ``run``'s.
"""
from __future__ import annotations

import gc
import os
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from importlib import import_module
from pathlib import Path

from ..course import Kata
from ..i18n import t
from ..outcomes import KataResult
from . import checks
from .workspace import CliError, Workspace

#: what a check run imports beyond what collecting the checks does
RUN_TIME_MODULES = ("pytest_autograd_kata.assertions", "pytest_autograd_kata.strategies",
                    "pytest_autograd_kata.profiles", "pytest_autograd_kata.torch_state",
                    "pytest_autograd_kata.devices", "pytest_autograd_kata.summary",
                    "hypothesis.extra.numpy", "hypothesis.internal.conjecture.optimiser",
                    "numpy.random", "secrets", "torch.testing")
CAN_FORK = hasattr(os, "fork")


class WarmChecker:
    def __init__(self, ws: Workspace, lang: str, verbose: bool = False) -> None:
        self.ws, self.lang, self.verbose = ws, lang, verbose

    def warm_up(self) -> None:
        if not CAN_FORK:
            return
        import pytest

        katas = [k for k in self.ws.course.katas if self.ws.checks_file(k).exists()]
        if not katas:
            return
        with open(os.devnull, "w") as quiet, redirect_stdout(quiet), redirect_stderr(quiet):
            pytest.main(checks.pytest_args(self.ws, katas, Path(os.devnull), self.lang, False)
                        + ["--collect-only"])
        for name in RUN_TIME_MODULES:
            import_module(name)
        from ..assertions import warm_up

        warm_up()
        # Every object so far is the parent's for good: the child's garbage collector then
        # leaves them alone instead of touching (and so copying) every page of torch's heap.
        gc.freeze()

    def check(self, kata: Kata) -> KataResult:
        if not self.ws.checks_file(kata).exists():
            return checks.unchecked(kata, self.lang)
        if not CAN_FORK:
            return checks.run_checks(self.ws, [kata], self.lang, self.verbose)[kata.id]
        sys.stdout.flush()  # or the child would write out the parent's buffered lines again
        sys.stderr.flush()
        with tempfile.TemporaryDirectory(prefix="kata-report-") as folder:
            report = Path(folder, "report.json")
            pid = os.fork()
            if pid == 0:  # the child: run the checks, then leave without the parent's cleanup
                self._run_child(kata, report)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if not report.exists():
                raise CliError(t("cli_no_report", code=code, output=""))
            return checks.read_report(self.ws, [kata], report, self.lang)[kata.id]

    def _run_child(self, kata: Kata, report: Path) -> None:
        code = 1
        try:
            import pytest

            if not self.verbose:
                quiet = os.open(os.devnull, os.O_WRONLY)
                os.dup2(quiet, 1)
                os.dup2(quiet, 2)
            code = int(pytest.main(checks.pytest_args(self.ws, [kata], report, self.lang, self.verbose)))
        finally:
            os._exit(code)
