"""Keeping the inputs Hypothesis draws for a course's checks (see :mod:`..plugin.drawn`): a
pytest plugin that ``autograd-kata dev checks`` and ``dev check`` load
(``-p pytest_autograd_kata.authoring.drawn_kept --kata-drawn-out FOLDER``) into a session that
runs the reference solutions under the derandomized grading profile.

Each check's record (the inputs the engine drew, each with how it ended, kept by :mod:`..plugin.replay`
when no input failed) travels on the check's teardown report (``kata_drawn``), so the files are
right where checks run in other processes (``--kata-jobs``); at the session's end FOLDER gets
``<check file stem>.json`` for every check file with a check whose inputs can be kept.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ..plugin import drawn, replay
from ..plugin.kata_session import session_key


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("autograd-kata").addoption(
        "--kata-drawn-out", metavar="FOLDER",
        help="write the inputs Hypothesis drew for each check, per check file, into FOLDER (JSON)")


def pytest_configure(config: pytest.Config) -> None:
    folder = config.getoption("kata_drawn_out")
    if folder:
        config.pluginmanager.register(DrawnKept(Path(folder)), "kata-drawn-kept")


class DrawnKept:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: check file -> check name -> entry
        self.entries: dict[Path, dict[str, dict]] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.when == "teardown":
            kept = self._entry(item)
            if kept is not None:
                report.kata_drawn = {"file": str(item.path), "name": item.name, "entry": kept}
        return report

    @staticmethod
    def _entry(item: pytest.Item) -> dict | None:
        test = getattr(item, "obj", None)
        store = item.config.stash[session_key].recordings
        if store is None or not getattr(test, "is_hypothesis_test", False):
            return None
        found = replay.key(test, item.nodeid)
        record = store.get(found) if replay.derandomized(found) else None
        if record is None:
            return None
        try:
            return drawn.entry(record, drawn.digest(test, item.path, item.name))
        except drawn.NotKept:
            return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        kept = getattr(report, "kata_drawn", None)
        if kept:
            self.entries.setdefault(Path(kept["file"]), {})[kept["name"]] = kept["entry"]

    def pytest_sessionfinish(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for check_file, entries in self.entries.items():
            drawn.write(self.folder / f"{check_file.stem}.json", entries)
