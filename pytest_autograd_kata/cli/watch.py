"""``autograd-kata watch [KATA]``: recheck the current kata each time its file is saved.

The current kata is the one named, else the first one not known to be done. Watch never moves
on by itself: when the kata passes it says so and waits; Enter moves to the next kata (before
that, Enter checks again), and q then Enter quits. The checks run in the course's checks
session (:mod:`..trusted.checker`), the one ``run`` uses: warm after the first check.
"""
from __future__ import annotations

import argparse
import queue
import sys
import threading
import time

from ..course import outcomes
from ..course.data import Kata
from ..course.i18n import t
from ..course.paths import display_path
from ..course.state import State
from ..trusted import checks
from . import common, filewatch
from ..course import feedback
from ..trusted.checker import Checker, open_checker
from ..course.workspace import CliError, Workspace

#: after a save, how long to wait for the rest of it (an editor may write a file in pieces)
SETTLE = 0.02
SAVED, KEY = "saved", "key"
QUIT = {"q", "quit", "exit"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("watch", help="recheck the current kata every time you save its file")
    common.add_kata(parser, nargs="?")
    parser.add_argument("--poll", action="store_true",
                        help="look for saves by polling instead of file events (e.g. on a network drive)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show every check in full, and what your code printed in each")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def _read_keys(events: queue.Queue) -> None:
    for line in sys.stdin:  # ends at EOF, e.g. when stdin is not a terminal
        events.put((KEY, line.strip().lower()))


def _drain(events: queue.Queue) -> list[tuple[str, object]]:
    time.sleep(SETTLE)
    pending = []
    while True:
        try:
            pending.append(events.get_nowait())
        except queue.Empty:
            return pending


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    kata = checks.named_or_current(ws, state, args.kata, args.lang)
    if kata is None:
        print(t("watch_all_done"))
        return 0
    events: queue.Queue = queue.Queue()
    how = filewatch.start(ws.katas, lambda path: events.put((SAVED, path)), poll=args.poll)
    threading.Thread(target=_read_keys, args=(events,), daemon=True).start()
    watching = Watching(ws, state, open_checker(ws), args.lang, args.verbose, how)
    try:
        return watching.loop(kata, events)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        watching.checker.close()


class Watching:
    """One watch: the kata in view, checked on each save or Enter, until q or the end of the course."""

    def __init__(self, ws: Workspace, state: State, checker: Checker, lang: str, verbose: bool, how: str) -> None:
        self.ws, self.state, self.checker = ws, state, checker
        self.lang, self.verbose, self.how = lang, verbose, how

    def loop(self, kata: Kata, events: queue.Queue) -> int:
        passed = self.check(kata)
        while True:
            kind, value = events.get()
            pending = [(kind, value), *_drain(events)]
            keys = [v for k, v in pending if k == KEY]
            if any(key in QUIT for key in keys):
                return 0
            if keys and passed:  # the learner asks for the next kata
                upcoming = checks.first_unfinished(self.ws, self.state, self.lang, after=kata)
                if upcoming is None:
                    print(t("watch_all_done"), flush=True)
                    return 0
                kata = upcoming
                passed = self.check(kata)
            elif keys or any(k == SAVED and _same(v, self.ws.kata_file(kata)) for k, v in pending):
                passed = self.check(kata)

    def check(self, kata: Kata) -> bool:
        started = time.perf_counter()
        try:
            result = checks.check_and_remember(self.ws, self.state, self.checker, kata, self.lang)
        except CliError as err:  # the checks themselves could not run: say so, and keep watching
            print(err, file=sys.stderr, flush=True)
            return False
        lines = feedback.result_lines(kata, result, self.state, self.verbose)
        lines.append(t("watch_checked", seconds=time.perf_counter() - started))
        passed = result.status == outcomes.PASSED
        path, how = display_path(self.ws.kata_file(kata)), t(f"watch_how_{self.how}")
        if passed:
            lines.append(t("watch_passed", kata=kata.id))
        lines.append(t("watch_waiting_passed" if passed else "watch_waiting", path=path, how=how))
        print("\n".join(lines), flush=True)
        return passed


def _same(path, other) -> bool:
    return path.resolve() == other.resolve()
