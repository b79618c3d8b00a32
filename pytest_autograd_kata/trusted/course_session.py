"""The course's checks session: one warm pytest session of the course's checks, which every
verdict of ``run``, ``watch``, the board and a notebook comes from.

:func:`serve` runs it with :class:`~pytest_autograd_kata.trusted.checkserver.CheckServer`, the
session the grader serves its requests from too: the checks are collected once (torch,
Hypothesis and every check module imported once), then each request runs one kata's checks on
the learner's files, sent as text and read fresh for every request. :func:`fingerprint` says
when a running session would be stale. The background service (:mod:`.service`) and the
in-process checker (:mod:`.checker`) both run it.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..course import outcomes
from ..course.data import Kata
from ..course.i18n import t
from ..course.workspace import Workspace

#: environment variables that change what the session does, so a change restarts it
SESSION_ENV = ("KATA_DEVICES", "KATA_SANDBOX", "PYTEST_ADDOPTS")
#: files of the course beside the checks that change what the session does
SESSION_FILES = ("katas/course.toml", "katas/conftest.py", "conftest.py", "pytest.ini", "pyproject.toml",
                 "tox.ini", "setup.cfg")
PACKAGE = Path(__file__).resolve().parents[1]
#: how many lines of a check module's import error a learner reads
BROKEN_LINES = 12


def session_args(ws: Workspace) -> list[str]:
    """pytest's arguments for the course's checks session."""
    files = [str(ws.checks_file(k)) for k in ws.course.katas if ws.checks_file(k).exists()]
    # -s: the learner's code prints in its own process, so nothing here is worth capturing.
    return [*files, f"--kata-target={ws.katas}", "-p", "no:cacheprovider", "-s"]


def fingerprint(ws: Workspace) -> str:
    """Changes whenever anything the session holds would: the checks, the course files beside
    them, the settings that reach the session, this package's code and the Python running it."""
    h = hashlib.sha256(f"{__version__}\0{sys.executable}\0{PACKAGE}\0".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            info = path.stat()
            h.update(f"{path.relative_to(PACKAGE)}\0{info.st_mtime_ns}\0{info.st_size}\0".encode())
    for name in SESSION_ENV:
        h.update(f"{name}={os.environ.get(name, '')}\0".encode())
    for path in [*(ws.root / name for name in SESSION_FILES), *(ws.checks_file(k) for k in ws.course.katas)]:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            data = b"\0missing"
        h.update(f"{path.relative_to(ws.root)}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def serve(ws: Workspace, requests: Iterable[dict], reply: Callable[[dict], None]) -> bool:
    """Run the course's checks session: answer each of ``requests`` with ``reply``. A kata whose
    check module cannot be loaded is answered with that error, and the others are served.
    Returns whether the session got as far as serving (else pytest's output says why)."""
    import pytest

    from .checkserver import CheckServer
    from .figures import FigureKeeper

    figures = FigureKeeper()
    broken: dict[str, str] = {}  # kata id -> the error that stopped its check module loading
    by_file = {k.checks_filename: k for k in ws.course.katas}

    def on_reply(message: dict) -> None:
        if message["type"] == "ready":
            for node, error in message.get("broken", {}).items():
                kata = by_file.get(Path(node).name)
                if kata is not None:
                    broken[kata.id] = error
            reply(message)
        elif message["type"] == "result":
            # not the request back: it holds the sources
            reply({"type": "result", "kata": {**message["kata"], **figures.take()}})

    def runnable() -> Iterator[dict]:
        for item in requests:
            if item["kata"] in broken:
                reply({"type": "result", "kata": broken_result(ws.course.get(item["kata"]),
                                                               broken[item["kata"]]).to_json()})
            else:
                figures.wanted = bool(item.get("figures"))
                yield item

    class Quiet:
        """The session reports nothing of its own (the results are the output), and keeps no
        report: the terminal reporter would keep every one for an end that never comes."""

        @pytest.hookimpl(trylast=True)
        def pytest_configure(self, config: pytest.Config) -> None:
            config.pluginmanager.unregister(name="terminalreporter")

    server = CheckServer(runnable(), on_reply, partial=True)
    pytest.main(session_args(ws), plugins=[server, Quiet(), figures])
    return server.served


def broken_result(kata: Kata, error: str) -> outcomes.KataResult:
    # pytest marks the error's own lines with "E"; the traceback above them is pytest's and Python's
    lines = error.strip().splitlines()
    detail = "\n".join([line[1:].strip() for line in lines if line.startswith("E ")] or lines[-BROKEN_LINES:])
    return outcomes.KataResult(kata.id, kata.id, kata.points, forced_status=outcomes.ERROR,
                               forced_message=t("checks_broken", kata=kata.id, error=detail))
