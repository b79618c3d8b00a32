"""How a front end has a kata checked: by the course's checks session (:mod:`.course_session`).

The session lives in the course's background service (:mod:`.service`) where the platform has
Unix sockets, so a repeated ``run`` finds it warm; elsewhere, or with ``KATA_SERVICE=off``, in a
thread of the command's own process (:class:`InProcessChecker`). Both take the same requests
(:func:`request`) and answer with a kata's result as JSON.

A caller with the learner's code as text rather than files (a notebook's cells) passes it as a
:class:`~pytest_autograd_kata.course.sources.KataSource`:
``checks.check_now(ws, open_checker(ws), kata, lang, source=KataSource(...))``.
"""
from __future__ import annotations

import math
import os
import queue
import random
import socket
import threading
from typing import Protocol

from ..course.data import Kata
from ..course.i18n import t
from ..course.sources import KataSource
from ..course.workspace import CliError, Workspace, ini_value
from .course_session import serve

#: ``KATA_SERVICE=off``: check in the command's own process, as where there are no Unix sockets
SERVICE_ENV = "KATA_SERVICE"
#: the per-check limit on the learner's code when neither the ini key nor KATA_TIMEOUT sets one
#: (the plugin's default: `run` and `pytest katas` give the same time)
DEFAULT_TIMEOUT = 20.0


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
