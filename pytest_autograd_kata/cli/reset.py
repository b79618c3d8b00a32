"""``autograd-kata reset KATA`` / ``reset --all``: put back the original stub, made from the
reference solution as ``autograd-kata dev stubs`` makes it. Changed work is only replaced after
the learner says yes, and a copy of it is kept in ``.kata/backups/``.

``reset --checks KATA`` puts back the kata's checks as the course ships them (see
:mod:`.shipped`), keeping the changed file in ``.kata/backups/`` too."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..course import checksums
from ..course.data import Kata
from ..course.i18n import t
from ..course.paths import display_path
from ..course.sources import reads_as
from ..course.state import State
from . import common, shipped
from ..course.workspace import CliError, Workspace

YES = {"y", "yes", "是", "好"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("reset", help="restore a kata's original stub (your version is backed up)")
    which = parser.add_mutually_exclusive_group(required=True)
    common.add_kata(which, nargs="?")
    which.add_argument("--all", action="store_true", help="reset every kata")
    which.add_argument("--checks", metavar="KATA",
                       help="restore the kata's checks (katas/test_*.py) as the course ships them")
    parser.add_argument("--yes", action="store_true", help="replace changed files without asking")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def pristine_stub(ws: Workspace, kata: Kata) -> str:
    stub = ws.stub(kata)
    if stub is None:
        raise CliError(t("reset_no_solution", kata=kata.id, path=display_path(ws.solution_file(kata))))
    return stub


def backup(ws: Workspace, original: Path, name: str) -> Path:
    """Keep a copy of ``original`` in ``.kata/backups/`` as ``NAME-<time>.py``."""
    folder = ws.state_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{name}-{stamp}.py", 1
    while path.exists():  # two resets within a second keep both versions
        path, n = folder / f"{name}-{stamp}-{n}.py", n + 1
    path.write_bytes(original.read_bytes())
    return path


def confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:  # no one to answer: keep the learner's work
        answer = ""
    if not sys.stdin.isatty():
        print()  # a piped answer is not echoed: end the question's line
    return answer.strip().lower() in YES


def run(args: argparse.Namespace) -> int:
    ws, state = common.open_workspace()
    if args.checks:
        return restore_checks(ws, state, ws.kata(args.checks))
    katas = list(ws.course.katas) if args.all else [ws.kata(args.kata)]
    stubs = {k.id: pristine_stub(ws, k) for k in katas}
    files = {k.id: ws.kata_file(k) for k in katas}
    todo = [k for k in katas if not reads_as(files[k.id], stubs[k.id])]
    if not todo:
        print(t("reset_nothing"))
        return 0
    changed = [k for k in todo if files[k.id].exists()]
    if changed and not args.yes:
        names = ", ".join(display_path(files[k.id]) for k in changed)
        if not confirmed(t("reset_ask", files=names)):
            print(t("reset_declined"))
            return 1
    for kata in todo:
        kept = backup(ws, files[kata.id], kata.id) if kata in changed else None
        files[kata.id].write_text(stubs[kata.id], encoding="utf-8")
        state.forget(kata.id)
        path = display_path(files[kata.id])
        print(t("reset_done_backup", path=path, backup=display_path(kept)) if kept else t("reset_done", path=path))
    state.save()
    return 0


def restore_checks(ws: Workspace, state: State, kata: Kata) -> int:
    path, shown = ws.checks_file(kata), display_path(ws.checks_file(kata))
    how = checksums.state(ws.course, kata)
    if how == checksums.INTACT:
        print(t("reset_checks_intact", path=shown))
        return 0
    expected = checksums.recorded(ws.course).get(kata.checks_filename)
    if expected is None:
        raise CliError(t("reset_checks_no_record", kata=kata.id, record=display_path(checksums.record_path(ws.course))))
    data, origin = shipped.checks(ws, kata, expected)
    if data is None:
        raise CliError(t("reset_checks_not_found", path=shown, kata=kata.id, why=origin))
    kept = backup(ws, path, path.stem) if how == checksums.CHANGED else None
    path.write_bytes(data)
    state.forget(kata.id)
    state.save()
    print(t("reset_checks_done_backup", path=shown, origin=origin, backup=display_path(kept)) if kept
          else t("reset_checks_done", path=shown, origin=origin))
    return 0
