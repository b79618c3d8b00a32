"""``autograd-kata watch [KATA]``: recheck the current kata each time its file is saved.

The current kata is the one named, else the first one not known to be done. Watch never moves
on by itself: when the kata passes it says so and waits; Enter moves to the next kata.
"""
from __future__ import annotations

import argparse
import queue
import sys
import threading
import time

from .. import outcomes
from ..course import Kata
from ..i18n import t
from ..paths import display_path
from ..state import State
from . import checks, common, feedback, filewatch
from .warm import WarmChecker
from .workspace import CliError, Workspace

#: after a save, how long to wait for the rest of it (an editor may write a file in pieces)
SETTLE = 0.02
SAVED, KEY = "saved", "key"
QUIT = {"q", "quit", "exit"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("watch", help="recheck the current kata every time you save its file")
    common.add_kata(parser, nargs="?")
    parser.add_argument("--poll", action="store_true",
                        help="look for saves by polling instead of file events (e.g. on a network drive)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's full output too")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def first_unfinished(ws: Workspace, state: State, lang: str, after: Kata | None = None) -> Kata | None:
    """The first kata not known to pass on its current files: counting from the one after
    ``after`` (round to the start of the course), else from the first."""
    katas = list(ws.course.katas)
    if after is not None:
        start = katas.index(after) + 1
        katas = katas[start:] + katas[:start - 1]
    for kata in katas:
        result = checks.known(ws, state, kata, lang)
        if result is None or result.status != outcomes.PASSED:
            return kata
    return None


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
    kata = ws.kata(args.kata) if args.kata else first_unfinished(ws, state, args.lang)
    if kata is None:
        print(t("watch_all_done"))
        return 0
    checker = WarmChecker(ws, args.lang, args.verbose)
    checker.warm_up()
    events: queue.Queue = queue.Queue()
    how = filewatch.start(ws.katas, lambda path: events.put((SAVED, path)), poll=args.poll)
    threading.Thread(target=_read_keys, args=(events,), daemon=True).start()
    try:
        return _loop(ws, state, checker, kata, events, how)
    except KeyboardInterrupt:
        print()
        return 0


def _loop(ws: Workspace, state: State, checker: WarmChecker, kata: Kata, events: queue.Queue, how: str) -> int:
    passed = _check(ws, state, checker, kata, how)
    while True:
        kind, value = events.get()
        pending = [(kind, value), *_drain(events)]
        keys = [v for k, v in pending if k == KEY]
        if any(key in QUIT for key in keys):
            return 0
        if keys and passed:  # the learner asks for the next kata
            upcoming = first_unfinished(ws, state, checker.lang, after=kata)
            if upcoming is None:
                print(t("watch_all_done"), flush=True)
                return 0
            kata = upcoming
            passed = _check(ws, state, checker, kata, how)
        elif keys or any(k == SAVED and _same(v, ws.kata_file(kata)) for k, v in pending):
            passed = _check(ws, state, checker, kata, how)


def _same(path, other) -> bool:
    return path.resolve() == other.resolve()


def _check(ws: Workspace, state: State, checker: WarmChecker, kata: Kata, how: str) -> bool:
    started = time.perf_counter()
    digest = checks.digest(ws, kata)
    try:
        result = checker.check(kata)
    except CliError as err:  # the checks themselves could not run: say so, and keep watching
        print(err, file=sys.stderr, flush=True)
        return False
    state.reload()  # the learner may have asked for a hint in another terminal meanwhile
    state.remember(result, digest)
    state.save()
    lines = feedback.result_lines(kata, result, state)
    lines.append(t("watch_checked", seconds=time.perf_counter() - started))
    passed = result.status == outcomes.PASSED
    if passed:
        lines.append(t("watch_passed", kata=kata.id))
    lines.append(t("watch_waiting", path=display_path(ws.kata_file(kata)), how=t(f"watch_how_{how}")))
    print("\n".join(lines), flush=True)
    return passed
