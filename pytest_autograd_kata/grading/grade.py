"""Grading every submission: read each one once (:mod:`.intake`), one job per distinct
(kata, files) run by the worker pool (:mod:`.pool`), each reply turned into the kata's result.
The reports are written by :mod:`.gradebook`.

``grade`` takes any list of submissions and returns results that depend on nothing but the
submissions, the course and the options: graded in parts, the parts' results are the whole's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..course import outcomes
from ..course.data import Kata
from ..course.i18n import t
from ..runner.client import TOO_BUSY
from . import intake
from .plan import GradeError, GradePlan
from .pool import Pool
from .workdir import WorkFolder

COMPLETE, INCOMPLETE = "complete", "incomplete"
#: a kata (and its submission) a teacher should look at: the grader could not grade it for sure,
#: or the learner's code reached for the machinery (see outcomes.REVIEW)
REVIEW = outcomes.REVIEW


@dataclass
class SubmissionResult:
    #: the submission folder's name
    name: str
    katas: list[outcomes.KataResult]

    @property
    def score(self) -> float:
        return sum(k.score for k in self.katas)

    @property
    def max_score(self) -> float:
        return sum(k.points for k in self.katas)

    @property
    def status(self) -> str:
        """``review`` when a kata could not be graded for sure (see :mod:`.pool`) or was flagged, else
        ``complete`` (every kata passed) or ``incomplete``."""
        if any(k.status == REVIEW for k in self.katas):
            return REVIEW
        return COMPLETE if all(k.status == outcomes.PASSED for k in self.katas) else INCOMPLETE


@dataclass
class ClassResult:
    katas: list[Kata]
    submissions: list[SubmissionResult]
    #: katas of the course that have no checks, so were not graded
    left_out: list[str]
    #: the sandbox level the learner's code ran at
    sandbox: str


def kata_result(kata: Kata, points: float, reply: dict, lang: str) -> outcomes.KataResult:
    """What a job's reply (see :meth:`.pool.Pool.run`) means for one kata."""
    if "kata" in reply:
        return outcomes.KataResult.from_json(reply["kata"])
    return outcomes.KataResult(kata.id, kata.text("title", lang), points, forced_status=REVIEW,
                               forced_message=t("grade_review", lang, causes="; ".join(reply["review"])))


def grade(plan: GradePlan, on_submission: Callable[[SubmissionResult], None] = lambda s: None,
          on_started: Callable[[], None] = lambda: None) -> ClassResult:
    """Grade every submission; ``on_submission`` hears of each as soon as all its katas are done;
    ``on_started`` is called once the zygote (or, without fork, the workers) has been started, so
    that what the caller does meanwhile never delays the torch import every worker waits for.

    With ``plan.reuse``, a kata whose request (its file and the learner's files it names, as
    copied) is the same in several submissions (an untouched stub, a shared file) is run once
    and its result given to each of them."""
    work = WorkFolder(plan.out, plan.sandbox)
    try:
        submissions = [intake.take_in(folder, plan.course, work.copy_folder(index))
                       for index, folder in enumerate(plan.submissions)]
        return _grade(plan, work, submissions, on_submission, on_started)
    finally:
        work.remove()


def _grade(plan: GradePlan, work: WorkFolder, submissions: list[intake.Submission],
           on_submission: Callable[[SubmissionResult], None], on_started: Callable[[], None]) -> ClassResult:
    wanted = [k for k in plan.course.katas if plan.only is None or k.id in plan.only]
    if not submissions:  # a share of the class (--shard) that holds none of it
        checked = {path.name for path in plan.check_files}
        katas = [k for k in wanted if k.checks_filename in checked]
        return ClassResult(katas, [], [k.id for k in wanted if k not in katas], plan.sandbox)
    # More workers than jobs would only add startups; a check module holds at most one kata.
    with Pool(plan, work, min(plan.jobs, len(submissions) * len(plan.check_files)), on_started) as pool:
        katas = [k for k in wanted if k.id in pool.checks]
        if not katas:
            raise GradeError(t("grade_no_checks", plan.lang, folder=plan.course.root))
        by_id = {k.id: k for k in katas}
        groups: dict[str, list[tuple[dict, intake.Submission]]] = {}
        for index, (submission, kata) in enumerate((s, k) for s in submissions for k in katas):
            request = intake.request(submission, kata, plan.course)
            key = intake.reuse_key(request) if plan.reuse else str(index)
            groups.setdefault(key, []).append((request, submission))
        jobs = [{**shared[0][0], "id": n, "timeout": plan.timeout, "per": "kata"} for n, shared in enumerate(groups.values())]
        sharing = {job["id"]: [submission for _, submission in shared] for job, shared in zip(jobs, groups.values())}
        own_requests = {job["id"]: [request for request, _ in shared] for job, shared in zip(jobs, groups.values())}
        results: dict[str, dict[str, outcomes.KataResult]] = {s.name: {} for s in submissions}
        again: list[dict] = []  # jobs to run once more, alone, before their results count

        def on_done(job: dict, reply: dict) -> None:
            kata = by_id[job["kata"]]
            points = float(pool.marker_points.get(kata.id, kata.points))
            result = kata_result(kata, points, reply, plan.lang)
            runs = sharing.pop(job["id"])
            if not job.get("alone") and (len(runs) > 1 and _stopped(result) or _too_busy(result)):
                for submission, request in zip(runs, own_requests[job["id"]]):
                    again.append({**request, "id": len(jobs) + len(again), "timeout": plan.timeout,
                                  "per": "kata", "alone": True})
                    sharing[again[-1]["id"]] = [submission]
                return
            for submission in runs:
                done = results[submission.name]
                done[kata.id] = intake.as_submitted(result, submission, kata)
                if len(done) == len(katas):
                    on_submission(_submission(submission.name, done, katas))

        pool.run(jobs, on_done)
        pool.run(again, on_done, slots=1)
    graded = [_submission(name, done, katas) for name, done in results.items()]
    return ClassResult(katas, graded, [k.id for k in wanted if k not in katas], plan.sandbox)


def _stopped(result: outcomes.KataResult) -> bool:
    """The learner's process was stopped in a check (a timeout, a crash), or the kata could not be
    graded for sure: what one run says need not hold for another submission with the same files."""
    return result.status == REVIEW or any(check.stopped for check in result.checks)


def _too_busy(result: outcomes.KataResult) -> bool:
    """A kata the machine may have been too busy to grade (its clock ran out before its CPU time,
    or its process was ended from outside): only a run without neighbours counts."""
    return result.status == REVIEW or any(check.stopped == TOO_BUSY for check in result.checks)


def _submission(name: str, done: dict[str, outcomes.KataResult], katas: list[Kata]) -> SubmissionResult:
    return SubmissionResult(name, [done[k.id] for k in katas])
