"""The grader's side of its workers: start them in a clean environment, give each one job at a
time, and bring every job to an end.

A job runs at most twice. It runs again when its worker ended or stopped answering, or its
runner could no longer start learner processes (on a fresh worker), or when a signal the runner
did not send ended one of its learner processes; if that happens again, its reply says why, and
the kata is marked for review (:mod:`.grade`). Nothing a job does costs another job its result.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from typing import Callable

from ..course.i18n import t
from ..runner import wire
from ..runner.client import (CLOCK_FACTOR, USE_FORK, Runner, TrustedProcess, code_paths, describe_end,
                             how_returned)
from .plan import GradeError, GradePlan
from .workdir import WorkFolder

#: how the grader starts a worker (:mod:`.worker`), named rather than imported: the grader needs
#: no pytest (0.2 s before its zygote could start), only its workers do
WORKER_ENTRY = "pytest_autograd_kata.grading.worker:run"
#: where there is no fork, a new Python calls the same entry: ``-c WORKER_BOOT PATHS ENTRY ARGS...``
WORKER_BOOT = ("import json, sys; sys.path[:0] = json.loads(sys.argv[1]); from importlib import import_module; "
               "module, _, function = sys.argv[2].partition(':'); "
               "getattr(import_module(module), function)(sys.argv[3:])")
#: environment variables a worker keeps; everything else (PYTHONPATH, PYTEST_ADDOPTS, KATA_*) is dropped
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL")
#: how long a worker may take to import torch and collect the checks
STARTUP = 300.0
#: how long past the learner's time on the clock (--timeout times CLOCK_FACTOR: its CPU
#: time is the limit, and a busy machine stretches it) a job may take: the checks' own time
GRACE = 60.0
#: how long a worker told to stop may take to end
STOP_WAIT = 30.0
#: how many times a job runs before it is given up (marked for review)
ATTEMPTS = 2
#: how much of a failed worker's stderr an error shows
STDERR_TAIL = 3000


def pytest_args(plan: GradePlan, folder: str) -> list[str]:
    """The teacher's checks and ini only, plugins loaded by name instead of from entry points,
    on the CPU (the same verdicts on every machine), and nothing written beside the checks."""
    root = plan.course.root
    ini = root / "pytest.ini"
    return [*map(str, plan.check_files), "--rootdir", str(root), "--confcutdir", str(root),
            "-c", str(ini if ini.is_file() else os.devnull), "--basetemp", os.path.join(folder, "pytest"),
            "-p", "no:cacheprovider", "-p", "pytest_autograd_kata.plugin", "-p", "_hypothesis_pytestplugin",
            "--hypothesis-profile", "kata-grade", "--kata-lang", plan.lang, "--kata-timeout", "0",
            "--kata-devices", "cpu", "-q", "-s"]


def worker_env(folder: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugin reseeds or reorders checks
    env["TMPDIR"] = folder  # what the worker and its runner's zygote make stays under OUT/.work
    env["CUDA_VISIBLE_DEVICES"] = ""  # the checks run on the CPU; CUDA would only cost its start
    return env


class WorkerLost(Exception):
    """The worker ended or stopped answering; ``cause`` says which, in words for a report."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class NewPython:
    """A worker started as a new Python (where there is no fork), as :class:`Worker` sees it:
    what :class:`..runner.client.TrustedProcess` tells of a worker the grader's zygote forked."""

    def __init__(self, popen: subprocess.Popen) -> None:
        self.popen, self.pid = popen, popen.pid

    def wait(self, timeout: float | None) -> dict | None:
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return how_returned(code)

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Worker:
    """``zygote``: the grader's runner, whose zygote forks the worker and a branch of itself for
    the worker's learner processes (None where there is no fork: a new Python, whose learner
    processes are new Pythons too)."""

    def __init__(self, plan: GradePlan, work: WorkFolder, zygote: Runner | None = None) -> None:
        folder = str(work.worker_folder())
        ours, theirs = socket.socketpair()
        self.stderr = tempfile.TemporaryFile(dir=folder)
        args = [plan.sandbox, str(plan.memory_mib), str(work.scratch)]
        try:
            if zygote is None:
                self.process: TrustedProcess | NewPython = NewPython(subprocess.Popen(
                    [sys.executable, "-I", "-B", "-c", WORKER_BOOT, json.dumps(code_paths()), WORKER_ENTRY,
                     str(os.getpid()), str(theirs.fileno()), *args, "-", "--", *pytest_args(plan, folder)],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=self.stderr, cwd=folder, env=worker_env(folder), start_new_session=True))
            else:
                branch = zygote.branch_control()
                try:  # the channel and the branch become the worker's descriptors 3 and 4
                    self.process = zygote.run_trusted(
                        WORKER_ENTRY, ["-", "3", *args, "4", "--", *pytest_args(plan, folder)],
                        [theirs.fileno(), branch.fileno()], self.stderr.fileno(), folder, worker_env(folder),
                        "grading.worker")
                finally:
                    branch.close()  # the worker's now
        except BaseException:
            ours.close()
            self.stderr.close()
            raise
        finally:
            theirs.close()
        self.channel = ours
        self.ready: dict | None = None

    def wait_ready(self) -> dict:
        """The worker's checks ({kata: names}), points and sandbox level, once it has collected."""
        try:
            message, _ = wire.read_frame(self.channel.fileno(), time.monotonic() + STARTUP)
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.FrameTooLarge):
            raise GradeError(t("grade_worker_failed", detail=self._stderr_tail() or describe_end(self._end())))
        if message.get("type") != "ready":
            raise GradeError(t("grade_worker_failed", detail=message.get("detail", message)))
        self.ready = message
        return message

    def run(self, job: dict, seconds: float) -> dict:
        """The worker's reply to ``job``, within ``seconds``."""
        try:
            wire.write_frame(self.channel.fileno(), job)
            reply, _ = wire.read_frame(self.channel.fileno(), time.monotonic() + seconds)
        except (wire.ChannelClosed, BrokenPipeError, ConnectionResetError):
            raise WorkerLost(t("grade_cause_worker_ended", how=describe_end(self._end()))) from None
        except wire.ChannelTimeout:
            raise WorkerLost(t("grade_cause_worker_silent", seconds=seconds)) from None
        if reply.get("type") != "result" or reply["request"]["id"] != job["id"]:
            raise WorkerLost(t("grade_cause_worker_ended", how=reply.get("detail", reply.get("type"))))
        return reply

    def _end(self) -> dict:
        how = self.process.wait(STOP_WAIT)
        if how is None:
            self.kill()
            how = self.process.wait(None)
        return how

    def _stderr_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-STDERR_TAIL:].decode("utf-8", "replace")

    def kill(self) -> None:
        """The worker and everything it started (its own session)."""
        self.process.kill()

    def stop(self) -> None:
        """Closing its channel ends the worker's session; one that does not end is killed."""
        self.channel.close()
        self.process.wait(STOP_WAIT)
        self.kill()  # what its session may have left behind, too
        self.process.wait(None)
        self.stderr.close()


class Pool:
    """``with Pool(plan, work, size) as pool: pool.checks; pool.run(jobs, on_done)``: one thread
    per worker takes the next job, so a slow job never holds up the others."""

    def __init__(self, plan: GradePlan, work: WorkFolder, size: int,
                 on_started: Callable[[], None] = lambda: None) -> None:
        self.plan, self.work, self.size = plan, work, size
        #: called once the zygote is started (without fork: the workers), before they are ready
        self.on_started = on_started
        self.workers: list[Worker | None] = []
        #: the zygote every worker is forked from, and their learner processes, through a branch
        #: of each worker's own: torch imported and warmed up once for all of them
        self.zygote: Runner | None = None
        #: kata id -> names of its checks; points given on markers; the level the workers run at
        self.checks: dict[str, list[str]] = {}
        self.marker_points: dict[str, float] = {}
        self.lock = threading.Lock()
        self.pending: deque[dict] = deque()
        self.failure: BaseException | None = None

    def __enter__(self) -> Pool:
        try:
            if USE_FORK:
                self.zygote = self._zygote()
            self.workers = [self._worker() for _ in range(self.size)]
            self.on_started()
            for worker in self.workers:
                self._check_ready(worker.wait_ready())
        except BaseException:
            self.__exit__()  # the workers that did start must not outlive a failed start
            raise
        return self

    def _worker(self) -> Worker:
        """A new worker, forked from the grader's zygote; from a fresh one if that one ended
        (killed from outside, out of memory)."""
        if self.zygote is not None and not self.zygote.alive():
            self.zygote.close()
            self.zygote = self._zygote()
        return Worker(self.plan, self.work, self.zygote)

    def _zygote(self) -> Runner:
        zygote = Runner(self.plan.sandbox)
        zygote.temp_folder = str(self.work.worker_folder())
        zygote.start()
        return zygote

    def _check_ready(self, ready: dict) -> None:
        if ready["sandbox"] != self.plan.sandbox:  # the level is decided once, for every kata
            raise GradeError(t("grade_worker_failed", detail=f"sandbox {ready['sandbox']} instead of {self.plan.sandbox}"))
        self.checks, self.marker_points = ready["checks"], ready["points"]

    def __exit__(self, *exc: object) -> None:
        workers, self.workers = [w for w in self.workers if w is not None], []
        for worker in workers:
            worker.channel.close()  # all of them end their sessions at once
        for worker in workers:
            worker.stop()
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None

    def run(self, jobs: list[dict], on_done: Callable[[dict, dict], None], slots: int | None = None) -> None:
        """Run every job; ``on_done(job, reply)`` hears of each, from the worker's thread, one
        at a time. The reply is ``{"kata": KataResult JSON}`` or ``{"review": [causes]}``.
        ``slots``: how many workers take jobs (1: each job alone on the machine; default all)."""
        if not jobs:
            return
        self.pending = deque(jobs)
        threads = [threading.Thread(target=self._serve, args=(slot, on_done), daemon=True)
                   for slot in range(min(slots or len(self.workers), len(self.workers)))]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)  # a timed join: Ctrl-C still reaches this thread
        except BaseException as stop:  # Ctrl-C
            with self.lock:
                self.failure = stop  # no thread takes a job or starts a worker from now on
            for worker in self.workers:
                if worker is not None:
                    worker.kill()  # a job in progress would otherwise run to its end
            raise
        if self.failure is not None:
            raise self.failure

    def _next(self) -> dict | None:
        with self.lock:
            return self.pending.popleft() if self.pending and self.failure is None else None

    def _serve(self, slot: int, on_done: Callable[[dict, dict], None]) -> None:
        try:
            while (job := self._next()) is not None:
                reply = self._attempts(slot, job)
                with self.lock:
                    on_done(job, reply)
        except BaseException as failure:  # a replacement worker that cannot start: stop grading
            with self.lock:
                self.failure = self.failure or failure

    def _attempts(self, slot: int, job: dict) -> dict:
        causes: list[str] = []
        for _ in range(ATTEMPTS):
            try:
                reply = self.workers[slot].run(job, self.plan.timeout * CLOCK_FACTOR + GRACE)
            except WorkerLost as lost:
                causes.append(lost.cause)
                self._replace(slot)
                continue
            if reply["runner_failed"]:
                causes.append(t("grade_cause_runner"))
                self._replace(slot)
                continue
            if not reply["signals"]:
                return {"kata": reply["kata"]}
            causes.append(t("grade_cause_signal", how=describe_end({"signal": reply["signals"][0]})))
        return {"review": causes}

    def _replace(self, slot: int) -> None:
        old, self.workers[slot] = self.workers[slot], None
        old.kill()
        old.stop()
        with self.lock:
            if self.failure is not None:
                raise self.failure
            self.workers[slot] = self._worker()
        self._check_ready(self.workers[slot].wait_ready())
