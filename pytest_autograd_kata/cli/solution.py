"""``autograd-kata solution KATA``: the reference solution, only once the learner's kata passes."""
from __future__ import annotations

import argparse
import sys

from ..course import outcomes
from ..course.i18n import t
from ..course.paths import display_path
from ..course.summary import status_word
from ..trusted import checks
from . import common
from ..course.workspace import CliError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("solution", help="the reference solution, once your kata passes")
    common.add_kata(parser)
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    kata = ws.kata(args.kata)
    # A result remembered for exactly these files counts: the checks passed on them.
    result = checks.results(ws, state, [kata], args.lang)[kata.id]
    if result.status == outcomes.NOT_STARTED:
        print(t("solution_locked_not_started", kata=kata.id, path=display_path(ws.kata_file(kata))), file=sys.stderr)
        return 1
    if result.status != outcomes.PASSED:
        print(t("solution_locked", kata=kata.id, status=status_word(result.status)), file=sys.stderr)
        return 1
    path = ws.solution_file(kata)
    if not path.exists():
        raise CliError(t("solution_missing", path=display_path(path)))
    print(t("solution_header", kata=kata.id, path=display_path(path)))
    print(path.read_text(encoding="utf-8"), end="")
    return 0
