"""The sandbox the learner's code runs in while a class is graded: decided once, before anything
runs, and recorded in every report.

Without a choice, the strongest this machine allows: ``namespaces``, else ``uid`` (as root, as
in Docker or Gradescope), else none — and then grading stops with a message that says so,
unless the teacher accepts a plain ``process`` (``--no-sandbox``).
"""
from __future__ import annotations

from ..course.i18n import t
from ..runner import sandbox
from .plan import GradeError


def available(level: str) -> bool:
    """Whether ``level`` can run learner code on this machine (see :func:`..runner.sandbox.problem`)."""
    return sandbox.problem(level) is None


def _refusal(level: str) -> str:
    # Imported here, on the way to an error only: the plugin brings pytest, which a grader does
    # not otherwise load before its zygote starts.
    from ..plugin.settings import sandbox_refusal

    return sandbox_refusal(sandbox.problem(level))


def _no_sandbox() -> GradeError:
    """Neither namespaces nor a user of its own for each kata: why, for each."""
    why = " ".join(_refusal(level) for level in (sandbox.NAMESPACES, sandbox.UID))
    return GradeError(t("grade_no_sandbox", why=why))


def choose(requested: str | None, no_sandbox: bool) -> str:
    """The level to grade at: ``requested`` (``--sandbox``) if this machine allows it, the
    strongest it allows otherwise; ``process`` only when asked for."""
    if no_sandbox:
        if requested not in (None, sandbox.PROCESS):
            raise GradeError(t("grade_sandbox_conflict", level=requested))
        return sandbox.PROCESS
    if requested not in (None, *sandbox.LEVELS):
        raise GradeError(t("grade_sandbox_unknown", level=requested, levels=", ".join(sandbox.LEVELS)))
    best = sandbox.best_level()
    if best == sandbox.PROCESS and requested != sandbox.PROCESS:
        raise _no_sandbox()
    if requested is None:
        return best
    if not available(requested):
        raise GradeError(t("grade_sandbox_unavailable", level=requested, why=_refusal(requested), best=best))
    return requested


def describe(level: str, lang: str | None = None) -> str:
    """What the learner's code could and could not do at ``level``, in one line."""
    return t(f"grade_isolation_{level}", lang)
