"""The pytest plugin (entry point ``autograd_kata``): options, the ``kata`` marker, the
``device`` and ``kata`` fixtures, learner-grade failure reports, and the per-kata summary.

The checks run in this process; the learner's module runs in a sandboxed learner process
that the ``kata`` fixture talks to (:mod:`..remote`, :mod:`..runner`). pytest loads this module
on every run in an environment where the package is installed, so it imports neither torch
nor hypothesis: they load when a kata check first needs them.

The room's other modules: :mod:`.kata_session` (what the plugin knows during a run),
:mod:`.settings` (options, ini keys, environment) with :mod:`.devices` and :mod:`.profiles`
(Hypothesis's), :mod:`.hypothesis_constants` (inputs drawn alike whatever this process imported),
:mod:`.replay` (inputs drawn once, run again), :mod:`.parallel` (kata modules side by side),
:mod:`.hypothesis_notes` and :mod:`.report` (what a run says and writes).

May use: the toolkit (the checks' API), the runner and the course. Never the trusted side or a
front end, which drive pytest sessions with it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..course import i18n, outcomes
from ..course.data import CourseError
from ..course.inert import inert
from ..course.paths import display_path
from . import hypothesis_constants
from . import settings as settings_mod
from .kata_session import MARKER, MARKER_IN_SOURCE, WORKER_OUTPUT, KataSession, kata_id_of, session_key

AMBIGUOUS = "Boolean value of Tensor with more than one"


# ---------------------------------------------------------------- configuration

def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    settings_mod.add_options(parser)
    # pytest rewrites the asserts of every module of a distribution that ships a pytest plugin,
    # and Hypothesis ships its plugin in the same distribution as the whole library: about 80
    # modules parsed and recompiled at every run where the rewritten bytecode is not cached
    # (PYTHONDONTWRITEBYTECODE, a read-only site-packages), 0.7 s, for asserts no check reads.
    # (Hypothesis is imported later, when the kata profiles are registered.)
    getattr(getattr(pluginmanager, "rewrite_hook", None), "_must_rewrite", set()).discard("hypothesis")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(id, points=None): this check belongs to kata `id` (e.g. 'k03'); "
                   "points default to the course's, else 1.")
    kata_settings = settings_mod.resolve(config)
    _restore_global_state_on_unconfigure(config)
    i18n.set_language(kata_settings.lang)
    kata_session = config.stash[session_key] = KataSession(config, kata_settings)
    # Registered before pytest's own cleanups, so it runs after them: they collect garbage five
    # times (looking for unraisable exceptions), 0.7 s while torch and Hypothesis are unfrozen
    # and next to nothing while they are still frozen.
    config.add_cleanup(kata_session.unfreeze)
    config.pluginmanager.register(kata_session, "autograd_kata_session")
    if kata_settings.profile and kata_settings.profile.startswith("kata-"):
        # Hypothesis's own plugin loads the profile right after this hook: register ours first.
        from . import profiles  # noqa: F401


def _restore_global_state_on_unconfigure(config: pytest.Config) -> None:
    """The language, Hypothesis profile and seed are process-wide: put them back when the run
    ends, so a run nested in another (pytester, an IDE) does not change the outer one."""
    language = i18n.current_language()
    config.add_cleanup(lambda: i18n.set_language(language))
    if "hypothesis" not in sys.modules:
        return  # a process without Hypothesis has no profile to lose; importing it costs every run
    from hypothesis import core, settings

    profile, seed = settings.get_current_profile_name(), core.global_force_seed

    def restore_hypothesis() -> None:
        settings.load_profile(profile)
        core.global_force_seed = seed

    config.add_cleanup(restore_hypothesis)


def pytest_report_header(config: pytest.Config) -> str:
    s = config.stash[session_key].settings
    profile = s.profile or i18n.t("default_profile", name=settings_mod.DEFAULT_PROFILE)
    return i18n.t("header", target=display_path(s.target), devices=s.devices, language=s.lang,
                  profile=profile, seed=s.seed)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    kata_session = config.stash[session_key]
    kata_items = [(item, kata_id) for item in items if (kata_id := kata_id_of(item))]
    if not kata_items:
        return
    for item, kata_id in kata_items:
        course = kata_session.course_for(item)
        if course is not None:
            try:
                course.get(kata_id)
            except CourseError as unknown_id:
                raise pytest.UsageError(f"{item.nodeid}: {unknown_id}") from None
            kata_session.courses[kata_id] = course
        points = item.get_closest_marker(MARKER).kwargs.get("points")
        if points is not None:
            kata_session.marker_points[kata_id] = float(points)
    for item, kata_id in kata_items:
        # --junitxml writes these as <property> elements, so a CI can total points per kata.
        item.user_properties += [("kata", kata_id), ("points", f"{kata_session.points(kata_id):g}")]
    _configure_hypothesis(kata_session.settings, config)
    kata_session.freeze()


def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """The checks of several kata modules run side by side in forked pytest processes, where
    the run allows (see :mod:`.parallel`); otherwise pytest's own loop runs them here."""
    kata_session = session.config.stash[session_key]
    if kata_session.runner is None:  # no module of kata checks was collected
        return None
    from . import parallel

    modules = parallel.modules_of(session.items)
    count = parallel.workers_for(session, modules, kata_session.settings.jobs, _is_kata, kata_session.devices_used)
    if count < 2 or not kata_session.start_runner().fork:
        return None
    run = parallel.Run(session, modules)
    run.coordinate(run.start(kata_session.runner, count))
    return True



def pytest_collectstart(collector: pytest.Collector) -> None:
    # Hypothesis fixes a check's settings when @given runs, at the import of its module, so the
    # learner profile must be loaded before the first module of kata checks is imported; the
    # marker in its source is the only sign of one before then. The runner starts here too:
    # its zygote imports torch while this process collects the rest.
    if isinstance(collector, pytest.Module) and MARKER_IN_SOURCE in collector.path.read_bytes():
        kata_session = collector.config.stash[session_key]
        _configure_hypothesis(kata_session.settings, collector.config)
        kata_session.start_runner()


def _configure_hypothesis(s: settings_mod.KataSettings, config: pytest.Config) -> None:
    """Kata checks run under the learner profile unless one was chosen, with the seed the
    header printed, so ``--hypothesis-seed=SEED`` repeats the run, and draw without the
    constants of the modules this process imported (put back when the session that pinned
    them ends: a kata session nested in another leaves the outer one's pin alone)."""
    from hypothesis import core, settings

    from . import profiles  # noqa: F401  (registers the profiles)

    if hypothesis_constants.pin():
        config.add_cleanup(hypothesis_constants.unpin)
    if not s.profile:
        settings.load_profile(settings_mod.DEFAULT_PROFILE)
    if not s.seed_given:
        core.global_force_seed = int(s.seed)


# ---------------------------------------------------------------- fixtures

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Only kata checks: another test's own `device` argument is none of the plugin's business.
    if "device" not in metafunc.fixturenames or metafunc.definition.get_closest_marker(MARKER) is None:
        return
    from .devices import resolve

    kata_session = metafunc.config.stash[session_key]
    found = resolve(kata_session.settings.devices)
    kata_session.devices_used = [d.name for d in found if not d.unavailable]
    # Session scope: a device is the same for every check, and Hypothesis rejects
    # function-scoped fixtures inside @given.
    metafunc.parametrize("device", found, indirect=True, ids=[d.name for d in found], scope="session")


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> str:
    """The device a check runs on: ``"cpu"``, ``"cuda"`` or ``"mps"``, one test per device."""
    found = request.param
    if found.unavailable:
        pytest.skip(found.unavailable)
    return found.name


@pytest.fixture(scope="module")
def kata(request: pytest.FixtureRequest):
    """The learner's module for this check module's kata (from ``--kata-target``), running in a
    sandboxed learner process: ``kata.f(...)`` calls the learner's ``f`` there (see
    :mod:`pytest_autograd_kata.remote`).

    Module-scoped so it can serve ``@given`` checks; mark the check module with
    ``pytestmark = pytest.mark.kata("k03")``."""
    kata_session = request.config.stash[session_key]
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        raise pytest.UsageError(f"{request.node.nodeid} uses the `kata` fixture but has no "
                                f"pytestmark = pytest.mark.kata('kNN')")
    kata_id = marker.args[0]
    course = kata_session.courses.get(kata_id)
    module = course.get(kata_id).module if course else _module_by_prefix(kata_session.settings.target, kata_id)
    remote = kata_session.remote_kata(kata_id, module)
    yield remote
    remote.close()


def _module_by_prefix(target: Path, kata_id: str) -> str:
    """Without course data, the kata's module is the one file named ``<id>*.py``."""
    found = sorted(p.stem for p in target.glob(f"{kata_id}*.py"))
    return found[0] if len(found) == 1 else kata_id


# ---------------------------------------------------------------- running a check

def _is_kata(item: pytest.Item) -> bool:
    return item.get_closest_marker(MARKER) is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not _is_kata(item):
        return (yield)
    remote = item.funcargs.get("kata")
    if remote is not None:
        remote.begin_check(item.config.stash[session_key].check_budget())
    try:
        return (yield)
    finally:
        if remote is not None:
            item.stash[printed_key] = remote.printed()
        # Hypothesis would turn a failing example into a patch file under .hypothesis/patches,
        # parsing the check with libcst: slow, and of no use to a learner, who reads the example.
        item.__dict__.pop("_hypothesis_failing_examples", None)


printed_key = pytest.StashKey[tuple[int, str]]()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A kata check that Hypothesis drives runs on inputs its engine drew before, when they are
    known (see :mod:`.replay`): the same inputs, outcomes and reports, without drawing again."""
    if not (_is_kata(pyfuncitem) and getattr(pyfuncitem.obj, "is_hypothesis_test", False)):
        return None
    from . import replay

    kata_session = pyfuncitem.config.stash[session_key]
    if kata_session.recordings is None:
        kata_session.recordings = replay.Store()
    test = pyfuncitem.obj
    fixtures = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    found = replay.key(test, pyfuncitem.nodeid)
    if replay.derandomized(found) and kata_session.recordings.get(found) is None:
        kept = kata_session.drawn_record(test, pyfuncitem.path, pyfuncitem.name)
        if kept is not None:
            kata_session.recordings.put(found, kept)
    replay.run(test, fixtures, found, kata_session.recordings)
    return True


def _learner_failure(exc: BaseException) -> tuple[BaseException, bool]:
    """The failure a check met, and whether it was flaky: Hypothesis raises FlakyFailure when a
    check that failed passes as the same input is tried again. The check's inputs are the same,
    so the learner's code answered differently the second time (it keeps state between calls);
    the failure the learner needs is the one Hypothesis met first."""
    if type(exc).__name__ == "FlakyFailure" and type(exc).__module__.startswith("hypothesis") \
            and getattr(exc, "exceptions", None):
        return exc.exceptions[0], True
    return exc, False


def classify(exc: BaseException | None, when: str) -> str:
    if exc is None:
        return outcomes.PASSED
    from ..remote import KataLoadError, KataTimeout, LearnerCrashed, LearnerRaised

    if isinstance(exc, KataTimeout):
        return outcomes.TIMEOUT
    if isinstance(exc, LearnerRaised) and isinstance(exc, NotImplementedError) and exc.in_learner_file:
        return outcomes.NOT_STARTED  # raised by the learner's file itself: an untouched stub
    if isinstance(exc, (KataLoadError, LearnerCrashed)) or when != "call":
        return outcomes.ERROR
    return outcomes.FAILED


#: (which time ran out, whether the budget was the whole kata's) -> the message that says so
TIMEOUT_MESSAGES = {("cpu", False): "timeout", ("cpu", True): "timeout_kata",
                    ("waited", False): "timeout_waited", ("waited", True): "timeout_kata_waited",
                    ("busy", False): "timeout_busy", ("busy", True): "timeout_kata_busy"}


def _learner_message(exc: BaseException, status: str, printed: tuple[int, str]) -> str:
    from ..assertions import KataFailure
    from ..remote import KataLoadError, LearnerCrashed, LearnerExit, LearnerRaised

    lines, _ = printed
    if status == outcomes.TIMEOUT:
        budget = exc.budget
        message = i18n.t(TIMEOUT_MESSAGES[exc.kind, budget.per_kata], seconds=budget.seconds, clock=budget.clock)
        return message + ("\n" + i18n.t("timeout_printed", lines=lines) if lines else "")
    if status == outcomes.NOT_STARTED:
        path, _, function, _ = exc.learner_frames[-1]
        return i18n.t("not_started", path=path, function=function)
    if isinstance(exc, (KataFailure, KataLoadError, LearnerExit, LearnerCrashed)):
        return str(exc)
    if isinstance(exc, LearnerRaised):
        if exc.type_name == "BreakpointUnavailable":
            return i18n.t("breakpoint_unavailable")
        message = f"{exc.type_name}: {exc.message}"
        if exc.learner_frames:
            path, line, _, code = exc.learner_frames[-1]
            message += "\n" + i18n.t("raised_in_learner_code", path=path, line=line, code=code)
        return message
    return f"{type(exc).__name__}: {exc}"


def _stopped(exc: BaseException | None) -> str:
    """How the learner's process was stopped in the check, if it was (see outcomes.CheckResult)."""
    if exc is None:
        return ""
    from ..remote import KataTimeout, LearnerCrashed

    if isinstance(exc, KataTimeout):
        return exc.kind
    return outcomes.CRASHED if isinstance(exc, LearnerCrashed) else ""


def _is_learner_facing(exc: BaseException, status: str) -> bool:
    """Whether the learner is better served by our short message than by pytest's traceback:
    our own failures, and everything the learner's code did (a traceback through the runner
    tells a learner nothing the line of their code that raised does not)."""
    from ..assertions import KataFailure
    from ..remote import KataLoadError, LearnerCrashed, LearnerExit, LearnerRaised

    return status in (outcomes.TIMEOUT, outcomes.NOT_STARTED) or isinstance(
        exc, (KataFailure, KataLoadError, LearnerExit, LearnerCrashed, LearnerRaised))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if call.excinfo is not None and AMBIGUOUS in str(call.excinfo.value):
        report.sections.append(("autograd-kata", i18n.t("ambiguous_bool")))
    kata_id = kata_id_of(item)
    if kata_id is None or report.skipped or (report.when != "call" and report.passed):
        return report
    kata_session = item.config.stash[session_key]
    exc, flaky = _learner_failure(call.excinfo.value) if call.excinfo is not None else (None, False)
    status = classify(exc, report.when)
    printed = item.stash.get(printed_key, (0, ""))
    message = ""
    if call.excinfo is not None:
        from .hypothesis_notes import translate

        # The notes hold Hypothesis's falsifying example: the report keeps it for `autograd-kata run`.
        notes = translate("\n".join(getattr(call.excinfo.value, "__notes__", [])))
        said = [_learner_message(exc, status, printed), i18n.t("flaky_state") if flaky else "", notes]
        # Inert before pytest shows it: a check's message may quote a value of the learner's (a string).
        message = inert("\n".join(filter(None, said)))
        if _is_learner_facing(exc, status) and item.config.getoption("verbose") <= 0:
            report.longrepr = message
    report.kata_status = status
    # On the report as data, so that under pytest-xdist it reaches the controller's summary too.
    report.kata_check = outcomes.CheckResult(kata_id, item.name, status, outcomes.clip(message),
                                             outcomes.clip(printed[1]), _stopped(exc)).to_json()
    remote = item.funcargs.get("kata") if hasattr(item, "funcargs") else None
    if remote is not None:
        kata_session.add_flags(kata_id, remote.flags)
    report.kata_flags = [flag.to_json() for flag in kata_session.flags.get(kata_id, [])]
    if kata_id in kata_session.courses:
        report.kata_course = str(kata_session.courses[kata_id].path)
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if getattr(report, "kata_status", None) == outcomes.NOT_STARTED:
        return "not started", "N", ("NOT STARTED", {"yellow": True})
    return None


# ---------------------------------------------------------------- end of the run

def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    kata_session = config.stash[session_key]
    katas = kata_session.kata_results()
    if not katas:
        return
    from ..course.summary import progress_lines

    target = kata_session.settings.target
    files = {kata_id: display_path(target / course.get(kata_id).filename)
             for kata_id, course in kata_session.courses.items()}
    from ..course.checksums import review

    terminalreporter.section("autograd-kata")
    notes = review(katas, kata_session.courses, display_path)
    for line in progress_lines(katas, files) + notes:
        terminalreporter.write_line(line)
    if kata_session.devices_used:
        # The header says what was asked (auto); this says what that meant on this machine.
        sandbox = kata_session.runner.level if kata_session.runner else kata_session.worker_sandbox or "-"
        terminalreporter.write_line(i18n.t("devices_checked", devices=", ".join(kata_session.devices_used),
                                           sandbox=sandbox))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    kata_session = session.config.stash.get(session_key, None)
    if kata_session is None:
        return
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: its controller reports
        session.config.workeroutput[WORKER_OUTPUT] = {
            "devices": kata_session.devices_used, "points": kata_session.marker_points,
            "sandbox": kata_session.runner.level if kata_session.runner else ""}
        return
    if not (kata_session.settings.report or kata_session.settings.gradescope):
        return
    from . import report

    report.write_all(kata_session.kata_results(), kata_session.settings)
