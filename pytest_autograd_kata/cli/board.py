"""``autograd-kata`` (or ``autograd-kata board``): every kata with its status, the progress bar,
and the next kata to do: its statement, its file and a hint. Exits 0 once every kata is done."""
from __future__ import annotations

import argparse

from ..course.i18n import t
from ..course.paths import display_path
from ..course.summary import next_unfinished, progress_lines
from ..trusted import checks
from . import common


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("board", help="the katas, your progress and the next kata (the default command)")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    katas = list(ws.course.katas)
    found = list(checks.results(ws, state, katas, args.lang).values())
    for line in progress_lines(found, {k.id: display_path(ws.kata_file(k)) for k in katas}):
        print(line)
    upcoming = next_unfinished(found)
    if upcoming is None:
        print("\n" + t("board_all_done"))
        return 0
    kata = ws.kata(upcoming.id)
    print()
    print("\n".join(f"  {line}" for line in kata.text("statement", args.lang).strip().splitlines()))
    # The latest hint the learner asked for, if any: the board never reveals a hint unasked.
    hints, level = kata.text("hints", args.lang), state.hints_seen(kata.id)
    print()
    if level:
        print(t("hint_line", level=level, total=len(hints), text=hints[level - 1]))
    print(t("board_commands", kata=kata.id))
    return 1
