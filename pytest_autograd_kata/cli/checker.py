"""How the command line has a kata checked: one warm pytest session of the course's checks.

Every verdict of ``run``, ``watch`` and the board comes from
:class:`~pytest_autograd_kata.checkserver.CheckServer`, the session the grader serves its
requests from too: the checks are collected once (torch, Hypothesis and every check module
imported once), then each request runs one kata's checks on the learner's files, sent as text
and read fresh for every request, so a verdict is never about an older version of them.

The session lives in the course's background service (:mod:`.service`) where the platform has
Unix sockets, so a repeated ``run`` finds it warm; elsewhere, or with ``KATA_SERVICE=off``, in a
thread of the command's own process (:class:`InProcessChecker`). Both take the same requests
(:func:`request`) and answer with a kata's result as JSON.

A caller with the learner's code as text rather than files (a notebook's cells) passes it as a
:class:`~pytest_autograd_kata.sources.KataSource`:
``checks.check_now(ws, open_checker(ws), kata, lang, source=KataSource(...))``.
"""
from __future__ import annotations

import hashlib
import math
import os
import queue
import random
import socket
import sys
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from .. import __version__, outcomes
from ..course import Kata
from ..i18n import t
from ..sources import KataSource
from .workspace import CliError, Workspace, ini_value

#: ``KATA_SERVICE=off``: check in the command's own process, as where there are no Unix sockets
SERVICE_ENV = "KATA_SERVICE"
#: the per-check limit on the learner's code when neither the ini key nor KATA_TIMEOUT sets one
#: (the plugin's default: `run` and `pytest katas` give the same time)
DEFAULT_TIMEOUT = 20.0
#: environment variables that change what the session does, so a change restarts it
SESSION_ENV = ("KATA_DEVICES", "KATA_SANDBOX", "PYTEST_ADDOPTS")
#: files of the course beside the checks that change what the session does
SESSION_FILES = ("katas/course.toml", "katas/conftest.py", "conftest.py", "pytest.ini", "pyproject.toml",
                 "tox.ini", "setup.cfg")
PACKAGE = Path(__file__).resolve().parents[1]
#: how many lines of a check module's import error a learner reads
BROKEN_LINES = 12


class Checker(Protocol):
    def check(self, request: dict) -> dict:
        """The kata's result (``KataResult`` JSON) for ``request``."""

    def close(self) -> None:
        ...


def open_checker(ws: Workspace) -> Checker:
    """The course's service where the platform allows one, else an in-process session."""
    if os.environ.get(SERVICE_ENV, "").strip().lower() in ("off", "0", "no") or not service_possible():
        return InProcessChecker(ws)
    from .service import ServiceChecker

    return ServiceChecker(ws)


def service_possible() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX")


def check_timeout(ws: Workspace) -> float:
    """Seconds the learner's code may run in one check, as ``pytest katas`` resolves it here:
    the ini key ``kata_timeout``, then ``KATA_TIMEOUT``, then the default; 0: no limit."""
    for value, source in ((ini_value("kata_timeout", ws.root), "ini kata_timeout"),
                          (os.environ.get("KATA_TIMEOUT"), "KATA_TIMEOUT")):
        if value:
            try:
                seconds = float(value)
            except ValueError:
                seconds = math.nan
            if not 0 <= seconds < math.inf:
                raise CliError(f"{source}: the kata timeout must be a number of seconds (0 for no limit), "
                               f"not {value!r}")
            return seconds
    return DEFAULT_TIMEOUT


def request(kata: Kata, source: KataSource, lang: str, timeout: float, figures: bool = False) -> dict:
    """A request to check ``kata`` on ``source`` (a notebook passes its cells' text here);
    ``figures``: the result brings back the PNG files the learner's code saved (a notebook
    shows them)."""
    return {"op": "check", "kata": kata.id, "main": source.main, "sources": source.sources,
            "paths": source.paths, "timeout": timeout, "per": "check", "lang": lang,
            # a fresh draw of inputs each time, as each `pytest katas` run has
            "seed": random.getrandbits(32), "figures": figures}


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

    from ..checkserver import CheckServer
    from ..notebook.figures import FigureKeeper

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


class InProcessChecker:
    """The session in a thread of this process: started on the first request, kept for the
    next (``watch``), ended by :meth:`close`."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.requests: queue.Queue = queue.Queue()
        self.replies: queue.Queue = queue.Queue()
        self.thread: threading.Thread | None = None

    def _serve(self) -> None:
        served = False
        try:
            served = serve(self.ws, iter(self.requests.get, None), self.replies.put)
        finally:
            self.replies.put({"type": "ended", "served": served})

    def check(self, message: dict) -> dict:
        if self.thread is None:
            self.thread = threading.Thread(target=self._serve, name="kata-checks", daemon=True)
            self.thread.start()
        self.requests.put(message)
        reply = self.replies.get()
        while reply["type"] == "ready":
            reply = self.replies.get()
        if reply["type"] != "result":
            raise CliError(t("cli_service_failed", detail="pytest ended before serving (see its output above)"))
        return reply["kata"]

    def close(self) -> None:
        if self.thread is not None:
            self.requests.put(None)
            self.thread.join()
            self.thread = None
