"""``autograd-kata run KATA``: check one kata now and say what is wrong, briefly;
``-v`` shows pytest's own output as well."""
from __future__ import annotations

import argparse

from .. import outcomes
from ..i18n import t
from . import checks, common, feedback


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="check one kata and show what is wrong")
    common.add_kata(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's full output too")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    kata = ws.kata(args.kata)
    result = checks.results(ws, state, [kata], args.lang, fresh=True, verbose=args.verbose)[kata.id]
    print("\n".join(feedback.result_lines(kata, result, state)))
    if result.status != outcomes.PASSED:
        return 1
    print(t("run_passed", kata=kata.id))
    return 0
