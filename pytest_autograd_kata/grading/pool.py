"""The grader's side of its workers: start them in a clean environment, hand each one job
at a time, and collect the replies. A worker that dies or stops answering costs the job it
held, and a fresh worker takes its place."""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections import deque
from typing import Callable

from ..i18n import t
from . import protocol
from .plan import GradeError, GradePlan

#: environment variables a worker keeps; everything else (PYTHONPATH, PYTEST_ADDOPTS, KATA_*) is dropped
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
#: how long past --timeout a worker may stay silent before it is presumed stuck
GRACE = 30.0
#: how much of a failed worker's stderr an error shows
STDERR_TAIL = 3000


def worker_command(plan: GradePlan, result_fd: int) -> list[str]:
    """``python -I -B`` (no PYTHONPATH, no user site, no working folder on sys.path, no
    bytecode written into the course folder), the teacher's checks and ini only, and the
    plugins loaded by name instead of from entry points."""
    root = plan.course.root
    ini = root / "pytest.ini"
    return [sys.executable, "-I", "-B", "-m", "pytest_autograd_kata.grading.worker",
            str(result_fd), str(plan.memory_mib), str(plan.timeout), "--",
            *map(str, plan.check_files), "--rootdir", str(root), "--confcutdir", str(root),
            "-c", str(ini if ini.is_file() else os.devnull),
            "-p", "no:cacheprovider", "-p", "pytest_autograd_kata.plugin", "-p", "_hypothesis_pytestplugin",
            "--hypothesis-profile", "kata-grade", "--kata-lang", plan.lang, "--kata-timeout", "0",
            "-q", "-s"]


def worker_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in KEPT_ENV if name in os.environ}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugin reseeds or reorders checks
    return env


class Worker:
    def __init__(self, plan: GradePlan, scratch: str) -> None:
        read_fd, write_fd = os.pipe()
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            worker_command(plan, write_fd), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=self.stderr, pass_fds=(write_fd,), cwd=scratch, env=worker_env(), text=True)
        os.close(write_fd)
        self.fd = read_fd
        self.reader = protocol.LineReader()
        self.ready = False
        self.job: dict | None = None
        self.started = 0.0

    def give(self, job: dict) -> None:
        self.job, self.started = job, time.monotonic()
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()

    def read(self) -> list[dict] | None:
        """The messages that arrived, or None once the worker is gone."""
        chunk = os.read(self.fd, 65536)
        return self.reader.feed(chunk) if chunk else None

    def stderr_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-STDERR_TAIL:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        os.close(self.fd)
        self.stderr.close()


class Pool:
    """``with Pool(plan, workers) as pool: pool.checks; pool.run(jobs, on_done)``."""

    def __init__(self, plan: GradePlan, workers: int) -> None:
        self.plan, self.size = plan, workers
        self.scratch = tempfile.TemporaryDirectory(prefix="autograd-kata-grade-")
        self.selector = selectors.DefaultSelector()
        self.workers: list[Worker] = []
        #: kata id -> names of its checks; points given on markers
        self.checks: dict[str, list[str]] = {}
        self.marker_points: dict[str, float] = {}
        self.pending: deque[dict] = deque()

    def __enter__(self) -> "Pool":
        try:
            for _ in range(self.size):
                self._start()
            while not all(w.ready for w in self.workers):
                for key, _ in self.selector.select():
                    self._handle(key.data, lambda job, reply: None)
        except BaseException:
            self.__exit__()  # the workers that did start must not outlive a failed start
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            self.selector.unregister(worker.fd)
            worker.stop()
        self.selector.close()
        self.scratch.cleanup()

    def _start(self) -> Worker:
        worker = Worker(self.plan, self.scratch.name)
        self.workers.append(worker)
        self.selector.register(worker.fd, selectors.EVENT_READ, worker)
        return worker

    def run(self, jobs: list[dict], on_done: Callable[[dict, dict], None]) -> None:
        self.pending = deque(jobs)
        for worker in self.workers:
            self._next(worker)
        while self.pending or any(w.job for w in self.workers):
            events = self.selector.select(timeout=1.0)
            for key, _ in events:
                self._handle(key.data, on_done)
            for worker in [w for w in self.workers if w.job and self._stuck(w)]:
                self._replace(worker, on_done, t("grade_worker_stuck"))

    def _stuck(self, worker: Worker) -> bool:
        return time.monotonic() - worker.started > self.plan.timeout + GRACE

    def _next(self, worker: Worker) -> None:
        if worker.ready and self.pending:
            worker.give(self.pending.popleft())

    def _handle(self, worker: Worker, on_done: Callable[[dict, dict], None]) -> None:
        messages = worker.read()
        if messages is None:
            code = worker.process.wait()
            if not worker.ready:
                raise GradeError(t("grade_worker_failed", detail=worker.stderr_tail() or f"exit code {code}"))
            self._replace(worker, on_done, t("grade_worker_lost", how=f"exit code {code}"))
            return
        for message in messages:
            if message["type"] == "failed":
                raise GradeError(t("grade_worker_failed", detail=message["detail"]))
            if message["type"] == "ready":
                worker.ready = True
                self.checks, self.marker_points = message["checks"], message["points"]
            elif message["type"] == "done":
                job, worker.job = worker.job, None
                on_done(job, message)
            self._next(worker)

    def _replace(self, worker: Worker, on_done: Callable[[dict, dict], None], why: str) -> None:
        """The worker died or hangs: its job fails with ``why``, and a fresh worker takes over."""
        job = worker.job
        self.workers.remove(worker)
        self.selector.unregister(worker.fd)
        worker.stop()
        if job is not None:
            on_done(job, {"outcome": "lost", "message": why})
        self._start()
