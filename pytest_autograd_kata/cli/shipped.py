"""A kata's checks as the course ships them, for ``reset --checks``.

A learner's copy of the course is a clone of its git repository (the README's quick start), so
the course's own version of a check file is in its history: the staged version, the last
commit's, then each earlier commit that touched the file, newest first. The first whose digest
is the one ``katas/checks.sha256`` records is it; a version the learner committed after editing
it has another digest and is passed over. Without git, or without such a version, there is no
copy to trust and the learner is told where to get the file.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from ..course import checksums
from ..course.data import Kata
from ..course.i18n import t
from ..course.workspace import Workspace

#: commits of the file's history looked at, newest first
HISTORY = 200


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def checks(ws: Workspace, kata: Kata, expected: str) -> tuple[bytes | None, str]:
    """(the file's shipped text, where it came from), or (None, why there is none)."""
    top = _git(ws.root, "rev-parse", "--show-toplevel")
    if top is None:
        return None, t("shipped_no_git")
    path = ws.checks_file(kata).resolve()
    try:
        relative = path.relative_to(Path(top.decode().strip()).resolve()).as_posix()
    except ValueError:
        return None, t("shipped_no_git")
    commits = (_git(ws.root, "rev-list", f"--max-count={HISTORY}", "HEAD", "--", relative) or b"").decode().split()
    for revision in ("", "HEAD", *commits):
        data = _git(ws.root, "show", f"{revision}:{relative}")
        if data is not None and checksums.digest(data) == expected:
            return data, t("shipped_from_git", revision=revision[:12] or t("shipped_index"))
    return None, t("shipped_not_in_git")
