"""What runs in the child a worker forks for one (submission, kata) job.

The child inherits the worker's imported torch, Hypothesis and pytest and its collected
checks, points the plugin at the submission, runs that kata's checks only, and sends their
results up a pipe. Whatever the learner's module does to the process — exit, patch, change
torch's global state, fill memory — ends with this child.
"""
from __future__ import annotations

import ctypes
import dataclasses
import os
import resource
import signal
import sys
from pathlib import Path

import pytest

from .. import guard, outcomes
from ..i18n import t
from ..plugin import session_key
from . import protocol

PR_SET_PDEATHSIG = 1
#: what an allocation beyond the memory cap raises, as the plugin reports it
OUT_OF_MEMORY = ("MemoryError", "can't allocate memory")


def _die_with_the_worker(worker: int) -> None:
    """A child outlives a worker that was killed (by the grader, or by the code it checks)
    unless the kernel is told to kill it then (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != worker:  # the worker died before the line above
        os._exit(0)


def _isolate(job: dict, close_fds: tuple[int, ...], memory_mib: int) -> None:
    os.setpgid(0, 0)  # the worker kills the whole group, grandchildren included
    for fd in close_fds:
        os.close(fd)  # the worker's pipe to the grader is not the learner's to write to
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # megabytes of prints cost nothing
    os.close(devnull)
    if memory_mib and sys.platform.startswith("linux"):  # /proc, and an address-space limit that holds
        limit = _address_space() + memory_mib * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Messages then name the learner's files as they know them: "k03_backward.py".
    os.chdir(job["submission"])


def _address_space() -> int:
    """This process's virtual size: the cap counts only what the learner adds to it."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _run(items: list[pytest.Item]) -> tuple[str, str]:
    """Run the checks in order; returns a (status, message) that overrides the kata's, or ``("", "")``."""
    snapshot = guard.take({item.module for item in items}, [item.function for item in items])
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        try:
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        except BaseException as stop:  # pytest lets KeyboardInterrupt and its own Exit through
            return outcomes.ERROR, t("grade_interrupted", error=f"{type(stop).__name__}: {stop}")
        changed = snapshot.changes()
        if changed:
            return outcomes.FAILED, t("grade_tampered", names=guard.describe(changed))
    return "", ""


def main(session: pytest.Session, items: list[pytest.Item], job: dict, result_fd: int,
         close_fds: tuple[int, ...], memory_mib: int, worker: int) -> None:
    """Never returns: the child ends with ``os._exit`` so no cleanup of the worker's runs twice."""
    try:
        _die_with_the_worker(worker)
        _isolate(job, close_fds, memory_mib)
        kata_session = session.config.stash[session_key]
        kata_session.settings = dataclasses.replace(kata_session.settings, target=Path(job["submission"]))
        status, message = _run(items)
        checks = [c.to_json() for c in kata_session.results]
        if not status and any(m in c["message"] for c in checks for m in OUT_OF_MEMORY):
            status, message = outcomes.ERROR, t("grade_memory", limit=memory_mib)
        protocol.send(result_fd, {"checks": checks, "status": status, "message": message})
    finally:
        os._exit(0)
