"""What ``bench_breakdown`` runs inside the grader's own processes before their work: each grading
worker and the zygote every learner process forks from. Two ways to measure, by ``mode``:

- ``profile``: each process's work under Python's profiler (CPU time), its stats dumped to
  ``FOLDER/worker-PID.prof`` or ``FOLDER/learner-PID.prof``; every part, but Python-level code
  (the protocol is made of it) looks bigger than code that runs in torch's C;
- ``time``: no profiler; CPU clocks read around the few places where a part begins and ends, its
  sums written to ``FOLDER/worker-PID.json`` or ``FOLDER/learner-PID.json``. Fewer parts, but
  their true size: what the issue's "protocol under 10 %" is judged on.

Imported from the repository root (the processes find this package there), never by the package.
"""
from __future__ import annotations

import cProfile
import json
import os
import resource
import time
from typing import Any, Callable

PROFILE, TIME = "profile", "time"


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Ledger(dict):
    """CPU seconds by part, summed by :meth:`clock` wrappers; ``depth`` keeps a call made inside
    another clocked call from counting twice."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def clock(self, part: str | Callable[..., str], function: Callable) -> Callable:
        def clocked(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                name = part(*args) if callable(part) else part
                self[name] = self.get(name, 0.0) + time.process_time() - start
                self.depth -= 1
        return clocked

    def dump(self, path: str, **totals: float) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({**self, **totals}, out)


def _run_by(server: Any, function: Callable, *args: Any) -> str:
    """Whose code a learner process's ``Server._run`` runs: the learner's (its files), or the
    check's (a probe, ``torch.autograd.grad``...)."""
    code = getattr(function, "__code__", None) or getattr(getattr(function, "__func__", None), "__code__", None)
    return "learner's functions" if code is not None and code.co_filename in server.files else "checks' questions"


#: where the zygote's forks write what they measured, and how they measure (MODE)
SETTINGS: dict[str, str] = {}


def learner_processes(folder: str, mode: str) -> None:
    """In the zygote: every learner process forked from it measures its serving."""
    from pytest_autograd_kata.runner import learner

    SETTINGS.update(folder=folder, mode=mode)
    serve = learner.serve
    if mode == PROFILE:
        def measured(*args: Any) -> None:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            try:
                serve(*args)
            finally:
                profile.disable()
                profile.dump_stats(f"{folder}/learner-{os.getpid()}.prof")
    else:
        ledger = Ledger()
        learner.Server._run = ledger.clock(_run_by, learner.Server._run)
        learner.Server.op_load = ledger.clock("loading the learner's module", learner.Server.op_load)

        def measured(*args: Any) -> None:
            start = time.process_time()
            try:
                serve(*args)
            finally:
                # a forked child's CPU counts from its fork: "process" is its whole life but the exit
                ledger.dump(f"{folder}/learner-{os.getpid()}.json", serving=time.process_time() - start,
                            process=_own_cpu())
    learner.serve = measured


#: the check API's classes whose every method is the checking side of the protocol: encode a
#: call, send it, wait, read the reply, refresh the tensors the check holds, raise what it says
CHECK_API = ("RemoteKata", "RemoteFunction", "_InTurn", "_Questions")


def forked_grading_worker(argv: list[str]) -> None:
    """What the grader's zygote calls in each grading worker it forks: ``worker.run``, its
    ``main(argv)`` measured as SETTINGS says."""
    from pytest_autograd_kata import remote
    from pytest_autograd_kata.grading.worker import end, main

    folder, mode = SETTINGS["folder"], SETTINGS["mode"]
    if mode == PROFILE:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        try:
            code = main(argv)
        finally:
            profile.disable()
            profile.dump_stats(f"{folder}/worker-{os.getpid()}.prof")
    else:
        ledger = Ledger()
        for name in CHECK_API:
            cls = getattr(remote, name)
            for attribute, value in list(vars(cls).items()):
                if callable(value) and not isinstance(value, type):
                    setattr(cls, attribute, ledger.clock("protocol", value))
        try:
            code = main(argv)
        finally:
            ledger.dump(f"{folder}/worker-{os.getpid()}.json", process=_own_cpu())
    end(code)
