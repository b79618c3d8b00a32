"""What every learner command shares: the ``--lang`` option, the kata argument, and opening the
working copy with its state."""
from __future__ import annotations

import argparse
import sys

from ..course.data import LANGS
from ..course.state import State
from ..course import workspace


def add_lang(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a subcommand's unset --lang must not hide `autograd-kata --lang zh COMMAND`.
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS,
                        help="language: en or zh (default: the pytest ini key kata_lang, then KATA_LANG, then the locale, then en)")


def add_kata(parser: argparse.ArgumentParser, **kwargs) -> None:
    parser.add_argument("kata", metavar="KATA", help="a kata id, e.g. k03 (`autograd-kata list` shows them)",
                        **kwargs)


def open_workspace() -> tuple[workspace.Workspace, State]:
    ws = workspace.find()
    state = State.load(ws.state_dir)
    if state.warning:
        print(state.warning, file=sys.stderr)
    return ws, state
