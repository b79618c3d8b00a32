"""Running a course's checks again and again from one warm pytest session.

:class:`CheckServer` is a pytest plugin that replaces the test loop: the session collects the
checks once (importing torch, Hypothesis and the check modules once), says it is ready, and
then runs one kata's checks per request, on whatever sources the request names, for as long as
requests come. The grader's workers and the learner's ``run``/``watch`` service serve their
requests through it, so a kata is checked the same way everywhere: checks here, in this
trusted process; the learner's code in a sandboxed learner process (:mod:`..runner`).

A request is ``{"kata": ID, "main": module, "sources": {module: text}, "paths": {module: shown
name}, "timeout": seconds, "per": "check" | "kata"}`` (no ``main`` in ``sources``: the learner's
file is missing; ``"unreadable": message`` instead: it could not be read, and why), optionally
with ``"lang"`` (the messages' language) and ``"seed"`` (Hypothesis's seed for this request: a
long-lived session would otherwise draw the same inputs every time); its result is the kata's
``KataResult`` as JSON.
"""
from __future__ import annotations

import gc
from typing import Callable, Iterable

import pytest

from ..course import i18n, outcomes
from ..plugin.kata_session import kata_id_of, run_in_turn, session_key

#: what ``per`` may say: a time budget for each check, or one for the whole kata (grading)
PER_CHECK, PER_KATA = "check", "kata"


class CheckServer:
    """``pytest.main([check files..., options], plugins=[CheckServer(requests, reply)])``: replies
    ``{"type": "ready", "checks": {kata: [names]}, "points": {kata: points}}`` once collected,
    then one ``{"type": "result", "request": ..., "kata": KataResult JSON}`` per request.

    A check module that cannot be collected fails the whole session, unless ``partial``: then
    the ready message lists it (``"broken": {node id: error}``) and its kata has no checks (the
    learner's service, where one broken check module must not stop the other katas)."""

    def __init__(self, requests: Iterable[dict], reply: Callable[[dict], None], partial: bool = False) -> None:
        self.requests, self.reply, self.partial = requests, reply, partial
        self.collection_errors: dict[str, str] = {}
        self.served = False

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors[report.nodeid] = report.longreprtext

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        self.served = True
        if self.collection_errors and not self.partial:
            self.reply({"type": "failed",
                        "detail": "\n".join(f"{node}:\n{error}" for node, error in self.collection_errors.items())})
            return True
        items: dict[str, list[pytest.Item]] = {}
        for item in session.items:
            kata_id = kata_id_of(item)
            if kata_id:
                items.setdefault(kata_id, []).append(item)
        kata_session = session.config.stash[session_key]
        runner = kata_session.start_runner()
        from ..assertions import warm_up

        warm_up()
        # What exists now lives for the whole session: the collector need not walk it again.
        gc.collect()
        gc.freeze()
        self.reply({"type": "ready", "checks": {k: [i.name for i in v] for k, v in items.items()},
                    "points": dict(kata_session.marker_points), "sandbox": runner.level,
                    "broken": dict(self.collection_errors)})
        for request in self.requests:
            result = run_kata(session, items.get(request["kata"], []), request)
            self.reply({"type": "result", "request": request, "kata": result.to_json()})
        return True


def run_kata(session: pytest.Session, items: list[pytest.Item], request: dict) -> outcomes.KataResult:
    """Run the checks ``items`` of one kata on the request's sources; its result."""
    from ..remote import Budget, KataSource
    from ..course.sources import SourceError

    kata_session = session.config.stash[session_key]
    main, paths = request["main"], request["paths"]
    source = KataSource(request["sources"], paths, main)

    def read_source(course, module):
        if request.get("unreadable"):
            raise SourceError(request["unreadable"])
        if main not in source.sources:
            raise FileNotFoundError(2, "missing", paths[main])
        return source

    if "lang" in request:
        i18n.set_language(request["lang"])
    if "seed" in request:
        from hypothesis import core

        core.global_force_seed = request["seed"]
    seconds = request.get("timeout") or None
    kata_budget = Budget(seconds, per_kata=True)
    kata_session.read_source = read_source
    kata_session.check_budget = (lambda: kata_budget) if request.get("per") == PER_KATA \
        else (lambda: Budget(seconds))
    kata_session.results, kata_session.flags = [], {}
    run_in_turn(items)
    return kata_session.kata_results()[0] if kata_session.results else outcomes.KataResult(
        request["kata"], request["kata"], 0.0)
