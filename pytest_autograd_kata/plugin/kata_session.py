"""What the plugin knows during one run (:class:`KataSession`), and what the rest of the package
reads of it: the ``kata`` marker, the stash key the session is kept under, and how a list of
checks is run in turn. The parts of the plugin that other pytest processes drive (the side-by-side
workers of :mod:`.parallel`, the check server of :mod:`..trusted`) import these, not the plugin's
hooks.
"""
from __future__ import annotations

import atexit
import functools
import gc
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from ..course import i18n, machinery, outcomes
from ..course.data import Course, CourseError, find_course_file, load_course
from ..course.paths import display_path
from . import settings as settings_mod

MARKER = "kata"
MARKER_IN_SOURCE = f"mark.{MARKER}(".encode()
session_key = pytest.StashKey["KataSession"]()
#: the key of what a pytest-xdist worker hands its controller (config.workeroutput)
WORKER_OUTPUT = "autograd_kata"


class KataSession:
    """What the plugin knows during one run: the settings, a result per kata check, and the
    runner that starts learner processes."""

    def __init__(self, config: pytest.Config, kata_settings: settings_mod.KataSettings) -> None:
        self.config = config
        self.settings = kata_settings
        self.results: list[outcomes.CheckResult] = []
        #: kata id -> where its learner's code reached for the machinery (the kata is then marked
        #: for review): found in its files' text here, or in a report of another process's
        self.flags: dict[str, list[outcomes.Flag]] = {}
        self.courses: dict[str, Course] = {}  # kata id -> the course that defines it
        self.devices_used: list[str] = []
        self.marker_points: dict[str, float] = {}  # kata id -> points given on its marker
        self.runner = None  # started when the first module of kata checks is collected
        self.frozen = False  # whether this run froze the garbage collector's objects
        #: inputs Hypothesis drew for kata checks, to run again (a replay.Store, made on first use)
        self.recordings = None
        #: check file -> the inputs kept beside it (see drawn), read once
        self.drawn_files: dict[Path, dict[str, dict]] = {}
        self.worker_sandbox = ""  # under pytest-xdist: the workers' runners' sandbox level
        #: the learner's files for a kata: (course, module) -> KataSource; the grader replaces it
        self.read_source: Callable = self._read_target
        #: the time the learner's code has for one check; the grader gives a whole kata one budget
        self.check_budget: Callable = self._budget_per_check

    def drawn_record(self, test: Any, check_file: Path, name: str) -> Any:
        """The record of inputs kept beside ``check_file`` for its check ``name`` (a
        derandomized Hypothesis check), when it was drawn for this very check; else None."""
        from . import drawn

        if check_file not in self.drawn_files:
            self.drawn_files[check_file] = drawn.read(check_file)
        entries = self.drawn_files[check_file]
        if name not in entries:
            return None
        return drawn.record(entries[name], drawn.digest(test, check_file, name))

    # ------------------------------------------------------------ results (hooks: the session is a plugin)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A check's result, from its report: under pytest-xdist the reports are the workers',
        so the controller's summary sees every check too."""
        check = getattr(report, "kata_check", None)
        if check is None:
            return
        self.results.append(outcomes.CheckResult(**check))
        self.add_flags(check["kata"], [outcomes.Flag(**flag) for flag in getattr(report, "kata_flags", [])])
        course_path = getattr(report, "kata_course", None)
        if course_path and check["kata"] not in self.courses:  # an xdist controller collects nothing
            self.courses[check["kata"]] = load_course(Path(course_path))

    def add_flags(self, kata_id: str, flags: list[outcomes.Flag]) -> None:
        self.flags[kata_id] = list(dict.fromkeys([*self.flags.get(kata_id, []), *flags]))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """pytest-xdist: what a worker knows that its reports do not carry."""
        found = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if found:
            self.devices_used += [d for d in found["devices"] if d not in self.devices_used]
            self.marker_points.update(found["points"])
            self.worker_sandbox = found["sandbox"]

    def freeze(self) -> None:
        """torch, Hypothesis and the checks are loaded for good: the garbage collector need not
        walk their hundreds of thousands of objects again at every full collection during the
        checks. (Given back at the end of the run, so runs nested in one process free what they
        made.)"""
        gc.collect()
        gc.freeze()
        self.frozen = True
        _freeze_at_exit()

    def unfreeze(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False

    def start_runner(self):
        if self.runner is None:
            from ..runner.client import Limits, shared

            # A memory cap is an address-space limit, which CUDA's reservations would break.
            uses_cuda = "cuda" in self.settings.devices or self.settings.devices == "auto" \
                and "torch" in sys.modules and sys.modules["torch"].cuda.is_available()
            self.runner = shared(self.settings.sandbox, Limits(memory_mib=0 if uses_cuda else 4096))
        return self.runner

    def _read_target(self, course: Course | None, module: str):
        from ..course.sources import kata_source

        target = self.settings.target
        return kata_source(course, target, module, lambda m: display_path(target / f"{m}.py"))

    def _budget_per_check(self):
        from ..remote import Budget

        return Budget(self.settings.timeout or None)

    def remote_kata(self, kata_id: str, module: str):
        """The learner's module for ``kata_id``, in a learner process started on first use."""
        from ..remote import RemoteKata
        from ..course.sources import SourceError

        course = self.courses.get(kata_id)
        try:
            source, missing = self.read_source(course, module), ""
        except FileNotFoundError as err:
            source = None
            shown = err.filename or display_path(self.settings.target / f"{module}.py")
            missing = i18n.t("missing_file", path=shown, kata=kata_id)
        except SourceError as err:
            source, missing = None, str(err)
        if source is not None:  # read before anything runs, from the text the learner's process gets
            self.add_flags(kata_id, machinery.flags(source.sources, source.paths))
        return RemoteKata(self.start_runner(), source, kata_id, missing)

    def course_for(self, item: pytest.Item) -> Course | None:
        path = find_course_file(Path(item.path).parent)
        if path is None:
            return None
        try:
            return load_course(path)
        except CourseError as err:
            raise pytest.UsageError(str(err)) from None

    def kata_results(self) -> list[outcomes.KataResult]:
        """One result per kata, in course order (katas without course data after, by id)."""
        by_id: dict[str, outcomes.KataResult] = {}
        for check in self.results:
            if check.kata not in by_id:
                by_id[check.kata] = self._new_kata_result(check.kata)
            by_id[check.kata].checks.append(check)
        for kata_id, result in by_id.items():
            result.flags = self.flags.get(kata_id, [])
        order = {kata_id: course.katas.index(course.get(kata_id)) for kata_id, course in self.courses.items()}
        return sorted(by_id.values(), key=lambda r: (order.get(r.id, len(order)), r.id))

    def _kata(self, kata_id: str):
        course = self.courses.get(kata_id)
        return course.find(kata_id) if course else None

    def points(self, kata_id: str) -> float:
        """The marker's points, else the course's, else 1."""
        kata = self._kata(kata_id)
        return self.marker_points.get(kata_id, kata.points if kata is not None else 1.0)

    def _new_kata_result(self, kata_id: str) -> outcomes.KataResult:
        kata = self._kata(kata_id)
        title = kata.text("title", self.settings.lang) if kata is not None else kata_id
        return outcomes.KataResult(kata_id, title, self.points(kata_id))


@functools.cache  # once per process
def _freeze_at_exit() -> None:
    """At exit, freeze what is left before the interpreter's final garbage collection, which
    would otherwise walk torch's and Hypothesis's objects once more to free memory the exit frees
    anyway (0.4 s of every run's end, measured on `import torch` alone). Registered only where
    kata checks ran: another session's objects are none of ours."""
    atexit.register(gc.freeze)


def kata_id_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return None
    points = marker.kwargs.get("points", 0)
    if not marker.args or not isinstance(marker.args[0], str) or not isinstance(points, (int, float)) \
            or points < 0:
        raise pytest.UsageError(f"{item.nodeid}: use the marker as @pytest.mark.kata('k03', points=1), "
                                f"with the kata's id and a number of points >= 0")
    return marker.args[0]


def run_in_turn(items: list[pytest.Item]) -> None:
    """Run ``items`` one after another, as pytest's own loop does (each told the next, so
    fixtures end where their scope does, and all of them after the last)."""
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
