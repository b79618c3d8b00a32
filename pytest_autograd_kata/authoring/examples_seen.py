"""Proof that every explicit example ran: a pytest plugin that ``autograd-kata dev check`` loads
(``-p pytest_autograd_kata.authoring.examples_seen --kata-examples-report PATH``) into the session that
runs the reference solutions.

A check's explicit examples (``@example``: the inputs a statement names, the boundaries that
tell a classic mistake apart) are counted from what Hypothesis attaches to the check
(``hypothesis_explicit_examples``), and each one that ran is heard from Hypothesis itself: its
observability interface reports every test case it runs, an explicit example as
``how_generated="explicit example"``. The report is ``{node id: {"explicit": n, "ran": m,
"gave_up": g}}``: ``ran`` counts the explicit examples that ran to the end, ``gave_up`` those
the check itself rejected with ``assume()`` (float64 on MPS).

While a callback listens, Hypothesis would also run every test case under a line tracer to
report its coverage; the plugin turns that off (Hypothesis's documented
``OBSERVABILITY_COLLECT_COVERAGE``), so the checks run as fast as without it.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

#: how Hypothesis names a test case that was one of the check's explicit examples
EXPLICIT = "explicit example"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("autograd-kata").addoption(
        "--kata-examples-report", metavar="PATH",
        help="write, per check, how many explicit examples it has and how many ran (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("kata_examples_report")
    if path:
        config.pluginmanager.register(ExamplesSeen(Path(path)), "kata-examples-seen")


class ExamplesSeen:
    """What Hypothesis heard in the process that ran a check travels on the check's teardown
    report (``kata_explicit_seen``), and the counts are taken from the reports: so they are
    right where checks run in other processes (``--kata-jobs``, pytest-xdist) too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: node id -> number of explicit examples the check has
        self.explicit: dict[str, int] = {}
        #: node id -> statuses of its explicit examples heard in this process, not yet reported
        self.heard: dict[str, Counter] = {}
        #: node id -> Counter of Hypothesis's statuses of the explicit examples that ran
        self.ran: dict[str, Counter] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            examples = getattr(getattr(item, "obj", None), "hypothesis_explicit_examples", ())
            if examples:
                self.explicit[item.nodeid] = len(examples)

    def pytest_sessionstart(self) -> None:
        from hypothesis.internal import observability

        observability.OBSERVABILITY_COLLECT_COVERAGE = False
        # every thread: a check may run its body in a thread of its own
        observability.add_observability_callback(self._observe, all_threads=True)

    def _observe(self, observation, _thread: int) -> None:
        if observation.type == "test_case" and observation.how_generated == EXPLICIT:
            self.heard.setdefault(observation.property, Counter())[observation.status] += 1

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.when == "teardown":
            report.kata_explicit_seen = dict(self.heard.pop(item.nodeid, {}))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        seen = getattr(report, "kata_explicit_seen", None)
        if seen:
            self.ran.setdefault(report.nodeid, Counter()).update(seen)

    def pytest_sessionfinish(self) -> None:
        from hypothesis.internal.observability import remove_observability_callback

        remove_observability_callback(self._observe)
        report = {}
        for node, count in self.explicit.items():
            seen = self.ran.get(node, Counter())
            report[node] = {"explicit": count, "ran": seen["passed"] + seen["failed"], "gave_up": seen["gave_up"]}
        self.path.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
