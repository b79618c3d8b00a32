"""A grading worker: a trusted pytest session that collects the course's checks once, then
checks one (submission, kata) job at a time through :class:`..trusted.checkserver.CheckServer`.

The checks — expected values, comparisons, verdicts — run here; the learner's code runs in
sandboxed learner processes started by the runner (:mod:`..runner`), which never hold this
process's channel to the grader: they get their own channel and output file only.

Forked by the grader's zygote (:meth:`..runner.client.Runner.run_trusted`: one torch import for
the grader's learner processes and all its workers), which calls :func:`run` with ``[-
CHANNEL_FD LEVEL MEMORY_MIB SCRATCH ZYGOTE_FD -- PYTEST_ARGS...]``; where there is no fork, started
by :mod:`.pool` as ``python -I -B -c WORKER_BOOT PATHS ENTRY GRADER_PID ...`` (the same arguments, the
grader's pid first), the package found where the grader found it (PATHS), not through an
install. The grader names this module (``pool.WORKER_ENTRY``) and never imports it, nor pytest
with it. Jobs and replies are :mod:`..runner.wire` frames on the socket CHANNEL_FD. ZYGOTE_FD is
the control socket of a branch of the grader's zygote, or ``-``: the worker's runner then starts
learner processes of its own.
"""
from __future__ import annotations

import atexit
import ctypes
import json
import os
import signal
import sys
from typing import Iterator, NoReturn

import pytest

from ..trusted.checkserver import CheckServer
from ..plugin.kata_session import session_key
from ..runner import sandbox, wire

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


class GradingSession:
    """A pytest plugin beside CheckServer: the runner this worker's learner processes come from,
    and what the checks saw of learner processes that a signal ended."""

    def __init__(self, level: str, memory_mib: int, scratch: str, zygote_fd: int | None) -> None:
        self.level, self.memory_mib, self.scratch, self.zygote_fd = level, memory_mib, scratch, zygote_fd
        #: signals that ended a learner process during the current job
        self.signals: list[int] = []
        self.runner = None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        import socket

        from ..runner.client import Limits, Runner, shared

        # The plugin would start a runner at the level and limits of a learner's own run.
        limits = Limits(self.memory_mib, self.scratch)
        if self.zygote_fd is None:
            self.runner = shared(self.level, limits)
        else:
            control = socket.socket(fileno=self.zygote_fd)
            # ps (and a test's harness) tells which worker a branch serves by its name
            control.send(json.dumps({"name": f"zygote:w{os.getpid()}"}).encode())
            self.runner = Runner.adopt(self.level, limits, control)
        config.stash[session_key].runner = self.runner

    def end_orphans(self) -> None:
        zygote = self.runner.zygote if self.runner is not None else None
        end_orphans({zygote.pid} if zygote is not None else set())

    def runner_failed(self) -> bool:
        """Whether the runner can no longer start learner processes (its zygote ended: killed
        from outside, out of memory): not the learner's doing, and this worker cannot go on."""
        return self.runner is not None and not self.runner.alive()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        from ..remote import LearnerCrashed

        failure = call.excinfo.value if call.excinfo is not None else None
        # A signal the runner did not send came from elsewhere (the learner's own code, another
        # process, the kernel's OOM killer).
        if isinstance(failure, LearnerCrashed) and "signal" in failure.how and not failure.killed_by_runner:
            self.signals.append(failure.how["signal"])
        return (yield)


def _jobs(channel: int, session: GradingSession) -> Iterator[dict]:
    while True:
        try:
            job, _ = wire.read_frame(channel)
        except wire.ChannelClosed:  # the grader is done with this worker
            return
        session.signals.clear()
        yield job
        if session.runner_failed():
            return  # the grader hears it with this job's reply, and starts a fresh worker


def _tie_to_grader(grader: int | None) -> None:
    """The kernel ends this worker when the grader (the thread that started it) ends, so no
    worker outlives a grader that was interrupted or killed (``None``: the grader's zygote forked
    it, and tied it to itself). Orphans of the learner's code (a daemon that double-forked and
    called setsid) become this worker's children instead of init's, so they can be ended after
    each job."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None)
    if grader is not None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != grader:  # the grader ended before the line above
            os._exit(1)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def end_orphans(keep: set[int]) -> None:
    """End every child of this worker but ``keep`` (its runner's zygote). In a pid namespace
    or as a uid of its own, the learner's processes already ended with the kata; as a plain
    process, a detached one would otherwise outlive it."""
    while True:
        orphans = sandbox.children() - keep
        if not orphans:
            return
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def end(code: int) -> NoReturn:
    """Exit with ``code`` once what is registered to run at exit has run (its runner's close),
    without the interpreter's own end: freeing torch's and Hypothesis's objects one by one takes
    0.3 to 0.7 s, which the grader, stopping its workers, would wait for."""
    atexit._run_exitfuncs()  # what the interpreter's end would run first (CPython's own hook)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(argv: list[str]) -> NoReturn:
    end(main(argv))


def main(argv: list[str]) -> int:
    """``main([GRADER_PID or -, CHANNEL_FD, LEVEL, MEMORY_MIB, SCRATCH, ZYGOTE_FD, "--", PYTEST_ARGS...])``"""
    grader = None if argv[0] == "-" else int(argv[0])
    channel, level, memory_mib, scratch = int(argv[1]), argv[2], int(argv[3]), argv[4]
    zygote_fd = None if argv[5] == "-" else int(argv[5])
    _tie_to_grader(grader)
    import torch

    # One thread: --jobs already uses the cores, and the checks' tensors are tiny.
    torch.set_num_threads(1)
    session = GradingSession(level, memory_mib, scratch, zygote_fd)

    def reply(message: dict) -> None:
        if message["type"] == "result":
            session.end_orphans()
            message["request"] = {"id": message["request"]["id"]}  # not its sources again
            message["signals"] = list(session.signals)
            message["runner_failed"] = session.runner_failed()
        wire.write_frame(channel, message)

    server = CheckServer(_jobs(channel, session), reply)
    code = pytest.main(argv[argv.index("--") + 1:], plugins=[server, session])
    if not server.served:
        wire.write_frame(channel, {"type": "failed", "detail": f"pytest exited with {code!r} before collecting"})
    return 0
