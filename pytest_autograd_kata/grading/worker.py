"""A warm grading worker: a pytest session that imports torch, Hypothesis and the checks
once, then serves jobs read from stdin, forking one child per (submission, kata).

Started by :mod:`.pool` as ``python -I -m pytest_autograd_kata.grading.worker RESULT_FD
MEMORY_MIB TIMEOUT -- PYTEST_ARGS...``; replies go to the pipe RESULT_FD, one JSON line per
job, so nothing a check prints can be mistaken for a result.
"""
from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import time

import pytest

from ..assertions import warm_up
from ..plugin import kata_id_of, session_key
from . import child, protocol

#: how much a child may send back; a real reply is a few kilobytes
REPLY_LIMIT = 4 * 2**20
#: how often the worker looks whether a child has ended while its pipe stays open (a
#: grandchild may hold it), and once the pipe has closed
WAIT, EXIT_POLL = 0.25, 0.002


class JobServer:
    """A pytest plugin that replaces the test loop with serving grading jobs."""

    def __init__(self, result_fd: int, memory_mib: int, timeout: float) -> None:
        self.result_fd, self.memory_mib, self.timeout = result_fd, memory_mib, timeout
        self.collection_errors: list[str] = []
        self.served = False

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}:\n{report.longreprtext}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.served = True
        if self.collection_errors:
            protocol.send(self.result_fd, {"type": "failed", "detail": "\n".join(self.collection_errors)})
            return True
        items: dict[str, list[pytest.Item]] = {}
        for item in session.items:
            kata_id = kata_id_of(item)
            if kata_id:
                items.setdefault(kata_id, []).append(item)
        marker_points = session.config.stash[session_key].marker_points
        # torch's first-use imports (torch.distributed for assert_close, sympy for a gradient
        # argument) would otherwise cost every child about half a second.
        warm_up()
        # Objects that exist before the first fork are never collected in a child: otherwise the
        # child's first garbage collection writes to every object's header and so copies every
        # page it shares with the worker (about a second per child with torch loaded).
        gc.collect()
        gc.freeze()
        protocol.send(self.result_fd, {"type": "ready", "points": marker_points,
                                       "checks": {k: [i.name for i in v] for k, v in items.items()}})
        for line in sys.stdin:
            job = json.loads(line)
            reply = self.run_job(session, items[job["kata"]], job)
            protocol.send(self.result_fd, {"type": "done", "job": job["id"], **reply})
        return True

    def run_job(self, session: pytest.Session, items: list[pytest.Item], job: dict) -> dict:
        read_fd, write_fd = os.pipe()
        worker = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            child.main(session, items, job, write_fd, (self.result_fd,), self.memory_mib, worker)
        os.close(write_fd)
        try:
            os.setpgid(pid, pid)  # also done by the child: whichever runs first wins the race
        except OSError:
            pass
        try:
            reply, status = self._collect(pid, read_fd)
        finally:
            os.close(read_fd)
            _kill_group(pid)  # grandchildren the learner's code left behind
        if reply is not None:
            return reply
        return {"outcome": "crashed", "how": _describe(status)}

    def _collect(self, pid: int, read_fd: int) -> tuple[dict | None, int]:
        """Read the child's reply until it ends, or kill it at the deadline."""
        deadline = time.monotonic() + self.timeout
        reader, replies, received, pipe_open = protocol.LineReader(), [], 0, True
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(pid)
                os.waitpid(pid, 0)
                return {"outcome": "timeout"}, 0
            if pipe_open:
                if select.select([read_fd], [], [], min(remaining, WAIT))[0]:
                    chunk = os.read(read_fd, 65536)
                    received += len(chunk)
                    if chunk and received <= REPLY_LIMIT:
                        replies += reader.feed(chunk)
                    pipe_open = bool(chunk)
                    if pipe_open:
                        continue
            else:
                time.sleep(EXIT_POLL)  # the reply is in; the child is on its way out
            ended, status = os.waitpid(pid, os.WNOHANG)
            if ended:
                break
        found = next((r for r in replies if isinstance(r, dict) and "checks" in r), None)
        return ({"outcome": "ran", **found} if found else None), status


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def main(argv: list[str]) -> int:
    result_fd, memory_mib, timeout = int(argv[0]), int(argv[1]), float(argv[2])
    import torch

    # One thread per worker: --jobs already uses the cores, and forking after a thread pool
    # has started is how children deadlock.
    torch.set_num_threads(1)
    server = JobServer(result_fd, memory_mib, timeout)
    code = pytest.main(argv[argv.index("--") + 1:], plugins=[server])
    if not server.served:
        protocol.send(result_fd, {"type": "failed", "detail": f"pytest exited with {code!r} before collecting"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
