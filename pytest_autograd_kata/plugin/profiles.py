"""Hypothesis profiles for the three ways the checks run; choose one with pytest's own
``--hypothesis-profile NAME``.

``kata-learn`` is the default for kata checks: a learner reruns them after every edit, so
they must answer in seconds, and 25 examples per check still find the classic mistakes.
"""
from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

from .settings import DEFAULT_PROFILE

#: For the profiles whose reports a learner reads:
#: - every phase but ``explain``, which reruns a failing check over a hundred times under a line
#:   tracer (seconds with torch, more with gradcheck) to annotate the check's source: nothing a
#:   learner can use, and an untouched stub, failing every check, paid it every time;
#: - one failure, the first found: "2 distinct failures" in an ExceptionGroup confuses a learner.
FOR_LEARNERS = {"phases": tuple(phase for phase in Phase if phase is not Phase.explain),
                "report_multiple_bugs": False}

#: Hypothesis's own defaults. Under a CI=… environment variable Hypothesis makes its derandomized
#: "ci" profile the default, and profiles inherit from the default: each kata profile starts
#: from this one instead, so it means the same on a laptop and in CI.
BASE = settings.get_profile("default")

LEARN, CI, GRADE = DEFAULT_PROFILE, "kata-ci", "kata-grade"

settings.register_profile(
    LEARN,
    parent=BASE,
    max_examples=25,
    # torch's first call on a new shape can take a while; a deadline would flag that, not the learner.
    deadline=None,
    # The learner sees the smallest failing input, but shrinking a tensor check must not take long.
    suppress_health_check=[HealthCheck.too_slow],
    **FOR_LEARNERS,
)
settings.register_profile(
    CI,
    parent=BASE,
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    GRADE,
    parent=BASE,
    max_examples=25,
    # Every submission sees the same inputs, and a rerun gives the same gradebook.
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    **FOR_LEARNERS,
)
