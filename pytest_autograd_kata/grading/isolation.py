"""The sandbox the learner's code runs in while a class is graded: decided once, before anything
runs, and recorded in every report.

Without a choice, the strongest this machine allows: ``namespaces``, else ``uid`` (as root, as
in Docker or Gradescope), else none — and then grading stops with a message that says so,
unless the teacher accepts a plain ``process`` (``--no-sandbox``).
"""
from __future__ import annotations

import os

from ..course.i18n import t
from ..runner import sandbox
from .plan import GradeError


def available(level: str) -> bool:
    """Whether ``level`` can be entered on this machine."""
    if level == sandbox.NAMESPACES:
        return sandbox.best_level() == sandbox.NAMESPACES
    if level == sandbox.UID:
        return sandbox.best_level() != sandbox.PROCESS and os.geteuid() == 0
    return level == sandbox.PROCESS


def choose(requested: str | None, no_sandbox: bool) -> str:
    """The level to grade at: ``requested`` (``--sandbox``) if this machine allows it, the
    strongest it allows otherwise; ``process`` only when asked for."""
    if no_sandbox:
        if requested not in (None, sandbox.PROCESS):
            raise GradeError(t("grade_sandbox_conflict", level=requested))
        return sandbox.PROCESS
    if requested is None:
        best = sandbox.best_level()
        if best == sandbox.PROCESS:
            raise GradeError(t("grade_no_sandbox"))
        return best
    if requested not in sandbox.LEVELS:
        raise GradeError(t("grade_sandbox_unknown", level=requested, levels=", ".join(sandbox.LEVELS)))
    if not available(requested):
        raise GradeError(t("grade_sandbox_unavailable", level=requested, best=sandbox.best_level()))
    return requested


def describe(level: str, lang: str | None = None) -> str:
    """What the learner's code could and could not do at ``level``, in one line."""
    return t(f"grade_isolation_{level}", lang)
