"""Grading every submission: one job per (submission, kata), run by the worker pool, each
reply turned into the kata's result. The reports are written by :mod:`.gradebook`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Callable

from .. import outcomes
from ..course import Kata
from ..i18n import t
from .plan import GradeError, GradePlan
from .pool import Pool

COMPLETE, INCOMPLETE, REVIEW = "complete", "incomplete", "review"


@dataclass
class SubmissionResult:
    path: Path
    katas: list[outcomes.KataResult]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def score(self) -> float:
        return sum(k.score for k in self.katas)

    @property
    def max_score(self) -> float:
        return sum(k.points for k in self.katas)

    @property
    def status(self) -> str:
        """``review`` when the grader had to stop a kata (timeout, crash, memory, tampering):
        a teacher should read that code; else ``complete`` or ``incomplete``."""
        if any(k.forced_status for k in self.katas):
            return REVIEW
        return COMPLETE if all(k.status == outcomes.PASSED for k in self.katas) else INCOMPLETE


@dataclass
class ClassResult:
    katas: list[Kata]
    submissions: list[SubmissionResult]
    #: katas of the course that have no checks, so were not graded
    left_out: list[str]


def kata_result(kata: Kata, points: float, check_names: list[str], reply: dict, plan: GradePlan) -> outcomes.KataResult:
    """What a worker's reply means for one kata. Anything other than a run whose results
    match the kata's checks scores 0 with a message that says why."""
    result = outcomes.KataResult(kata.id, kata.text("title", plan.lang), points)
    outcome = reply["outcome"]
    if outcome == "timeout":
        result.forced_status, result.forced_message = outcomes.TIMEOUT, t("grade_timeout", plan.lang, seconds=plan.timeout)
    elif outcome == "crashed":
        result.forced_status, result.forced_message = outcomes.ERROR, t("grade_crashed", plan.lang, how=reply["how"])
    elif outcome == "lost":
        result.forced_status, result.forced_message = outcomes.ERROR, reply["message"]
    else:
        try:
            checks = [outcomes.CheckResult(**check) for check in reply["checks"]]
        except TypeError:
            checks = None
        if checks is None or not _match(checks, kata.id, check_names) or reply["status"] not in ("", *outcomes.STATUSES):
            result.forced_status, result.forced_message = outcomes.ERROR, t("grade_mismatch", plan.lang)
        else:
            result.checks = checks
            result.forced_status, result.forced_message = reply["status"], reply["message"]
    return result


def _match(checks: list[outcomes.CheckResult], kata_id: str, check_names: list[str]) -> bool:
    names = set(check_names)
    return all(c.kata == kata_id and c.name in names and c.status in outcomes.STATUSES for c in checks)


def _module_key(submission: Path, kata: Kata) -> str:
    """What a kata's result depends on: its module's bytes (the checks are derandomized and
    messages name files relative to the submission, so identical files get identical results)."""
    try:
        return hashlib.sha256((submission / kata.filename).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError:  # a folder in its place, say: graded on its own
        return str(submission)


def grade(plan: GradePlan, on_submission: Callable[[SubmissionResult], None] = lambda s: None) -> ClassResult:
    """Grade every submission; ``on_submission`` hears of each as soon as all its katas are done.

    With ``plan.reuse``, a kata module that is byte for byte the same in several submissions
    (an untouched stub, a shared file) is run once and its result given to each of them."""
    wanted = [k for k in plan.course.katas if plan.only is None or k.id in plan.only]
    # More workers than jobs would only add startups; a check module holds at most one kata.
    with Pool(plan, min(plan.jobs, len(plan.submissions) * len(plan.check_files))) as pool:
        katas = [k for k in wanted if k.id in pool.checks]
        if not katas:
            raise GradeError(t("grade_no_checks", plan.lang, folder=plan.course.root))
        by_id = {k.id: k for k in katas}
        sharing: dict[tuple[str, str], list[Path]] = {}
        for sub, kata in product(plan.submissions, katas):
            key = _module_key(sub, kata) if plan.reuse else str(sub)
            sharing.setdefault((kata.id, key), []).append(sub)
        groups = list(sharing.values())
        jobs = [{"id": n, "submission": str(subs[0]), "kata": kata_id}
                for n, ((kata_id, _), subs) in enumerate(sharing.items())]
        results: dict[Path, dict[str, outcomes.KataResult]] = {s: {} for s in plan.submissions}

        def on_done(job: dict, reply: dict) -> None:
            kata = by_id[job["kata"]]
            points = float(pool.marker_points.get(kata.id, kata.points))
            for sub in groups[job["id"]]:
                results[sub][kata.id] = kata_result(kata, points, pool.checks[kata.id], reply, plan)
                if len(results[sub]) == len(katas):
                    on_submission(_submission(sub, results[sub], katas))

        pool.run(jobs, on_done)
    submissions = [_submission(path, done, katas) for path, done in results.items()]
    return ClassResult(katas, submissions, [k.id for k in wanted if k not in katas])


def _submission(path: Path, done: dict[str, outcomes.KataResult], katas: list[Kata]) -> SubmissionResult:
    return SubmissionResult(path, [done[k.id] for k in katas])
