"""The kata checks of a run on every core: after collection, forked pytest processes take the
kata modules in turn, and the run reports what they found as one process would have.

A check and the learner's process it questions take turns, so a run in one process keeps about
one core busy. When a run holds the checks of several kata modules and the machine more than one
core, the pytest process forks ``--kata-jobs`` workers (default: one per core, at most one per
module). Forked after collection, they share what it loaded — torch, Hypothesis, the checks —
where pytest-xdist's workers would each import it again. Each worker takes the next module
nobody has taken, runs its checks, and asks again; its learner processes come from a branch of
the run's zygote (:meth:`..runner.client.Runner.branch`): as warm, and in the same sandbox.

A worker sends its reports as pytest serializes them for pytest-xdist (the plugin's verdicts
travel on them already); this process reports them in collection order, so the terminal, the
board, ``--kata-report`` and ``--junitxml`` read as a run in one process. A worker that dies
(the kernel's OOM killer, a signal from outside) costs its module's remaining checks an error
that says so; the modules nobody took then run here.

Runs in one process, as pytest's own loop: a single kata module, tests that are not kata checks,
``-x``/``--maxfail``/``--stepwise``, ``--pdb``/``--trace``, pytest-xdist, checks on a GPU, a
runner without fork (macOS, Windows), or ``--kata-jobs 1``.
"""
from __future__ import annotations

import os
import select
import signal
import socket
import sys
import traceback
from dataclasses import dataclass, field

import pytest
from _pytest.junitxml import xml_key
from _pytest.terminal import TerminalWriter

from ..course import i18n, outcomes
from ..runner import wire
from .kata_session import kata_id_of, run_in_turn, session_key
from ..runner.client import describe_end
from ..runner.sandbox import die_with_parent
from ..runner.zygote import how_it_ended


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def modules_of(items: list[pytest.Item]) -> list[list[pytest.Item]]:
    """The items grouped by module, in collection order (pytest collects a module's items together)."""
    modules: list[list[pytest.Item]] = []
    for item in items:
        if modules and modules[-1][0].path == item.path:
            modules[-1].append(item)
        else:
            modules.append([item])
    return modules


def workers_for(session: pytest.Session, modules: list[list[pytest.Item]], asked: int | None, is_kata,
                devices: list[str]) -> int:
    """How many workers run this session's checks (``modules``: :func:`modules_of` its items):
    1 means pytest's own loop. Checks on a GPU run in one process: CUDA may not be used in a
    process forked after it was queried."""
    config = session.config
    alone = (not hasattr(os, "fork") or len(modules) < 2 or session.testsfailed
             or any(device != "cpu" for device in devices)
             or config.option.collectonly or config.option.maxfail or config.getoption("stepwise", False)
             or config.getoption("usepdb", False)
             or config.getoption("trace", False) or hasattr(config, "workerinput")
             or config.getoption("dist", "no") != "no" or not all(is_kata(item) for item in session.items))
    if alone:
        return 1
    return max(1, min(asked or usable_cores(), len(modules)))


@dataclass
class Worker:
    pid: int
    channel: socket.socket
    #: indexes of the modules it was given, in order
    modules: list[int] = field(default_factory=list)
    done: bool = False


class Run:
    """This process's side: hand out modules, and report what the workers send in order."""

    def __init__(self, session: pytest.Session, modules: list[list[pytest.Item]]) -> None:
        self.session, self.modules = session, modules
        self.config = session.config
        self.items = {item.nodeid: item for item in session.items}
        self.module_of = {item.nodeid: index for index, items in enumerate(modules) for item in items}
        self.next_module = 0
        #: per module: the workers' messages not reported yet
        self.waiting: list[list[dict]] = [[] for _ in modules]
        #: node ids of the checks whose end was reported
        self.finished: set[str] = set()
        self.head = 0  # the first module not reported in full

    def start(self, runner, count: int) -> list[Worker]:
        """Fork ``count`` workers: the first uses ``runner`` (this process leaves it alone while
        the workers live), each other one a branch of it."""
        runners = [runner] + [runner.branch() for _ in range(count - 1)]
        pairs = [socket.socketpair() for _ in range(count)]
        sys.stdout.flush()
        sys.stderr.flush()
        workers = []
        for own, (ours, theirs) in zip(runners, pairs):
            pid = os.fork()
            if pid == 0:
                code = 70
                try:
                    for other, (a, b) in zip(runners, pairs):
                        if other is not own:
                            other.control.close()
                            a.close()
                            b.close()
                    ours.close()
                    code = work(self.session, self.modules, own, theirs)
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(code)
            theirs.close()
            if own is not runner:
                own.control.close()
            workers.append(Worker(pid, ours))
        return workers

    def coordinate(self, workers: list[Worker]) -> None:
        try:
            while not all(w.done for w in workers):
                alive = {w.channel: w for w in workers if not w.done}
                ready, _, _ = select.select(list(alive), [], [])
                for channel in ready:
                    self._hear(alive[channel])
                self._report_ready()
                if self.session.shouldfail:  # as pytest's own loop stops (a plugin asked it to)
                    raise self.session.Failed(self.session.shouldfail)
                if self.session.shouldstop:
                    raise self.session.Interrupted(self.session.shouldstop)
        except BaseException:  # Ctrl-C, or a failure here: no worker outlives the run
            for w in workers:
                _kill(w.pid)
            raise
        finally:
            for w in workers:
                w.channel.close()
                _reap(w.pid)
        # Modules nobody took (every worker died first) run here, after the others' reports,
        # with learner processes from a branch: the first worker's runner is spent.
        left = [item for items in self.modules[self.next_module:] for item in items]
        self.next_module = len(self.modules)
        if left:
            kata_session = self.config.stash[session_key]
            kata_session.runner = kata_session.runner.branch()
        run_in_turn(left)

    def _hear(self, worker: Worker) -> None:
        try:
            message, _ = wire.read_frame(worker.channel.fileno())
        except (wire.ChannelClosed, OSError):
            worker.done = True
            self._lost(worker, _reap(worker.pid))
            return
        if "want" in message:
            given = self.next_module if self.next_module < len(self.modules) else None
            if given is not None:
                self.next_module += 1
                worker.modules.append(given)
            try:
                wire.write_frame(worker.channel.fileno(), {"module": given})
            except OSError:  # it died meanwhile: reading from it next says so
                pass
        elif "done" in message:
            worker.done = True
        else:
            self.waiting[self.module_of[message["nodeid"]]].append(message)

    def _report_ready(self) -> None:
        while self.head < len(self.modules):
            for message in self.waiting[self.head]:
                self._report(message)
            self.waiting[self.head].clear()
            if self.modules[self.head][-1].nodeid not in self.finished:
                return
            self.head += 1

    def _report(self, message: dict) -> None:
        item = self.items[message["nodeid"]]
        hook = item.ihook
        if message["event"] == "start":
            hook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        elif message["event"] == "report":
            report = self.config.hook.pytest_report_from_serializable(config=self.config, data=message["report"])
            hook.pytest_runtest_logreport(report=report)
        elif message["event"] == "properties":
            xml = self.config.stash.get(xml_key, None)
            for name, value in message["properties"] if xml is not None else ():
                xml.add_global_property(name, value)
        elif message["event"] == "warning":
            hook.pytest_warning_recorded(warning_message=_warning(message["warning"]), when="runtest",
                                         nodeid=item.nodeid, location=None)
        else:
            hook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
            self.finished.add(item.nodeid)

    def _lost(self, worker: Worker, how: str) -> None:
        """A worker died: each check of its modules that did not finish gets an error that says so."""
        for index in worker.modules:
            started = {m["nodeid"] for m in self.waiting[index] if m["event"] == "start"}
            for item in self.modules[index]:
                if item.nodeid in self.finished or any(
                        m["nodeid"] == item.nodeid and m["event"] == "finish" for m in self.waiting[index]):
                    continue
                if item.nodeid not in started:
                    self.waiting[index].append({"nodeid": item.nodeid, "event": "start"})
                self.waiting[index] += [{"nodeid": item.nodeid, "event": "report", "report": _lost_report(
                    self.config, item, how)}, {"nodeid": item.nodeid, "event": "finish"}]


def _lost_report(config: pytest.Config, item: pytest.Item, how: str) -> dict:
    message = i18n.t("worker_lost", how=how)
    report = pytest.TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed", message, "call")
    report.kata_status = outcomes.ERROR
    report.kata_check = outcomes.CheckResult(kata_id_of(item), item.name, outcomes.ERROR, message).to_json()
    return config.hook.pytest_report_to_serializable(config=config, report=report)


def _warning(data: dict):
    import builtins
    import warnings

    category = getattr(builtins, data["category"], None)
    if not (isinstance(category, type) and issubclass(category, Warning)):
        category = UserWarning  # a warning class of some module: its text is what matters
    return warnings.WarningMessage(category(data["message"]), category, data["filename"], data["lineno"])


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _reap(pid: int) -> str:
    """Wait for a worker's end; how it ended, in words."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "?"
    return describe_end(how_it_ended(status))


# ---------------------------------------------------------------- a worker

class Sender:
    """A worker's plugin: each event of the checks it runs, sent to the run's process."""

    def __init__(self, config: pytest.Config, channel: socket.socket) -> None:
        self.config, self.fd = config, channel.fileno()
        #: --junitxml's suite properties (Hypothesis's statistics) sent so far
        self.properties_sent = 0

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        wire.write_frame(self.fd, {"nodeid": nodeid, "event": "start"})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = self.config.hook.pytest_report_to_serializable(config=self.config, report=report)
        wire.write_frame(self.fd, {"nodeid": report.nodeid, "event": "report", "report": data})

    def pytest_warning_recorded(self, warning_message, when: str, nodeid: str, location) -> None:
        if nodeid:
            wire.write_frame(self.fd, {"nodeid": nodeid, "event": "warning", "warning": {
                "message": str(warning_message.message), "category": warning_message.category.__name__,
                "filename": warning_message.filename, "lineno": warning_message.lineno}})

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        xml = self.config.stash.get(xml_key, None)
        if xml is not None and len(xml.global_properties) > self.properties_sent:
            wire.write_frame(self.fd, {"nodeid": nodeid, "event": "properties",
                                       "properties": xml.global_properties[self.properties_sent:]})
            self.properties_sent = len(xml.global_properties)
        wire.write_frame(self.fd, {"nodeid": nodeid, "event": "finish"})


def work(session: pytest.Session, modules: list[list[pytest.Item]], runner, channel: socket.socket) -> int:
    """A worker's life: take modules until none is left; the run's process reports."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's process's to handle
    config = session.config
    config.stash[session_key].runner = runner
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        # Kept, for the plugins that look for it (Hypothesis puts its statistics on the reports
        # only then), but silent: the run's process prints.
        reporter._tw = TerminalWriter(open(os.devnull, "w", encoding="utf-8"))
    _own_capture(config)
    config.pluginmanager.register(Sender(config, channel), "autograd_kata_sender")

    def take() -> int | None:
        wire.write_frame(channel.fileno(), {"want": True})
        return wire.read_frame(channel.fileno())[0]["module"]

    index = take()
    while index is not None:
        items = modules[index]
        for position, item in enumerate(items):
            if position + 1 < len(items):
                following = items[position + 1]
            else:  # the module's fixtures end before the next module's begin; the session's stay
                index = take()
                following = modules[index][0] if index is not None else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
    wire.write_frame(channel.fileno(), {"done": True})
    return 0


def _own_capture(config: pytest.Config) -> None:
    """Output capture on files of the worker's own: the forked ones are shared with the others."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is not None and capture.is_globally_capturing():
        capture.stop_global_capturing()
        capture.start_global_capturing()
        capture.suspend_global_capture()
