"""Running a kata's checks from the command line: pytest in a child process, pointed at the
learner's ``katas/`` with ``--kata-report``, and the report read back as :class:`KataResult`s.

A result is remembered in the state file with a digest of the files it was checked on, so the
board reruns only the katas whose file (or checks) changed since.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ..course import Kata
from ..i18n import t
from ..outcomes import KataResult
from ..state import State
from .workspace import CliError, Workspace

#: how much of pytest's own output to show when it ended without a report
OUTPUT_TAIL = 3000


def digest(ws: Workspace, kata: Kata) -> str:
    """Changes whenever the learner's file or the kata's checks change."""
    h = hashlib.sha256()
    for path in (ws.kata_file(kata), ws.checks_file(kata)):
        h.update(path.read_bytes() if path.exists() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()[:16]


def pytest_args(ws: Workspace, katas: list[Kata], report: Path, lang: str, verbose: bool) -> list[str]:
    files = [str(ws.checks_file(k)) for k in katas if ws.checks_file(k).exists()]
    return [*files, f"--kata-target={ws.katas}", f"--kata-report={report}", f"--kata-lang={lang}",
            "-p", "no:cacheprovider", "-v" if verbose else "-q"]


def unchecked(kata: Kata, lang: str) -> KataResult:
    """A kata with no checks to run (its checks file is missing) is not started."""
    return KataResult(kata.id, kata.text("title", lang), kata.points)


def read_report(ws: Workspace, katas: list[Kata], report: Path, lang: str) -> dict[str, KataResult]:
    """One result per kata asked for; a kata without checks in the report is not started."""
    found = {k["id"]: KataResult.from_json(k) for k in json.loads(report.read_text(encoding="utf-8"))["katas"]}
    return {k.id: found.get(k.id) or unchecked(k, lang) for k in katas}


def run_checks(ws: Workspace, katas: list[Kata], lang: str, verbose: bool = False) -> dict[str, KataResult]:
    """Run the checks of ``katas`` in one child pytest; with ``verbose``, its output is shown."""
    if not any(ws.checks_file(k).exists() for k in katas):  # pytest would run its testpaths instead
        return {k.id: unchecked(k, lang) for k in katas}
    with tempfile.TemporaryDirectory(prefix="kata-report-") as folder:
        report = Path(folder, "report.json")
        child = subprocess.run([sys.executable, "-m", "pytest", *pytest_args(ws, katas, report, lang, verbose)],
                               cwd=ws.root, capture_output=not verbose, text=True)
        if not report.exists():
            output = (child.stdout or "") + (child.stderr or "")
            raise CliError(t("cli_no_report", code=child.returncode, output=output[-OUTPUT_TAIL:]))
        return read_report(ws, katas, report, lang)


def known(ws: Workspace, state: State, kata: Kata, lang: str) -> KataResult | None:
    """The kata's result without running anything: an untouched stub is not started, and a
    result remembered for the same files still holds. None when it must be checked."""
    path = ws.kata_file(kata)
    if path.exists() and path.read_text(encoding="utf-8") == ws.stub(kata):
        return unchecked(kata, lang)
    return state.result(kata.id, digest(ws, kata))


def results(ws: Workspace, state: State, katas: list[Kata], lang: str, fresh: bool = False,
            verbose: bool = False) -> dict[str, KataResult]:
    """Each kata's result: :func:`known` ones as they are (unless ``fresh``), the others checked
    now, all of them in one child. The state remembers the new ones."""
    found = {} if fresh else {k.id: known(ws, state, k, lang) for k in katas}
    stale = [k for k in katas if found.get(k.id) is None]
    if stale:
        digests = {k.id: digest(ws, k) for k in stale}  # before the run: an edit during it is not checked
        checked = run_checks(ws, stale, lang, verbose)
        state.reload()
        for kata_id, result in checked.items():
            state.remember(result, digests[kata_id])
            found[kata_id] = result
        state.save()
    for kata in katas:  # a remembered result may have been checked in the other language
        found[kata.id].title = kata.text("title", lang)
    return {k.id: found[k.id] for k in katas}
