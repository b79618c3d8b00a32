"""``autograd-kata run [KATA]``: check one kata now (the current one when none is named) and say
what is wrong, briefly; ``-v`` shows every check in full, with what your code printed."""
from __future__ import annotations

import argparse

from ..course import outcomes
from ..course.i18n import t
from ..trusted import checks
from . import common
from ..course import feedback


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="check a kata (default: the current one) and show what is wrong")
    common.add_kata(parser, nargs="?")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show every check in full, and what your code printed in each")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    kata = checks.named_or_current(ws, state, args.kata, args.lang)
    if kata is None:
        print(t("run_all_done"))
        return 0
    result = checks.results(ws, state, [kata], args.lang, fresh=True)[kata.id]
    print("\n".join(feedback.result_lines(kata, result, state, verbose=args.verbose)))
    if result.status != outcomes.PASSED:
        return 1
    upcoming = checks.first_unfinished(ws, state, args.lang, after=kata)
    print(t("run_passed", kata=kata.id) if upcoming is not None else t("run_passed_last", kata=kata.id))
    return 0
