"""``autograd-kata list``: the katas in course order, with their status when it is known
(remembered from the last check of the same files; nothing is run)."""
from __future__ import annotations

import argparse

from ..course.i18n import t
from ..course.summary import pad, status_word, width
from ..trusted import checks
from . import common


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("list", help="the katas, with their status when known")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    columns = max(width(k.text("title", args.lang)) for k in ws.course.katas)
    for kata in ws.course.katas:
        result = checks.known(ws, state, kata, args.lang)
        status = status_word(result.status) if result else t("status_unknown")
        print(f"  {kata.id}  {pad(kata.text('title', args.lang), columns)}  {status}")
    return 0
