"""``autograd-kata hint KATA``: the next hint level on each call, remembered in the state file."""
from __future__ import annotations

import argparse

from ..course.i18n import t
from . import common


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("hint", help="the next hint for a kata (one more level each time)")
    common.add_kata(parser)
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    kata = ws.kata(args.kata)
    hints = kata.text("hints", args.lang)
    seen = state.hints_seen(kata.id)
    if seen >= len(hints):
        print(t("hint_none_left", kata=kata.id, total=len(hints)))
        print(t("hint_line", level=len(hints), total=len(hints), text=hints[-1]))
        return 0
    level = seen + 1
    state.see_hint(kata.id, level)
    state.save()
    print(t("hint_line", level=level, total=len(hints), text=hints[level - 1]))
    print(t("hint_more" if level < len(hints) else "hint_was_last", kata=kata.id))
    return 0
