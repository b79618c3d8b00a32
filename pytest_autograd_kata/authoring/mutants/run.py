"""``autograd-kata dev mutants [KATA...]``: mutation testing of the checks.

Every mutant of a kata's reference solution (:mod:`.generate`) is checked as the grader checks
a submission (:mod:`..answers`), after the solution itself, which must pass (else no mutant of
it says anything). A mutant the checks reject is *killed*; one they accept *survived*, unless
the course records it as *equivalent* (:mod:`.records`): a right answer by the statement. A
recorded mutant that is killed contradicts its record (either the record is wrong, or the checks
reject a right answer), and a record no mutant answers to any more is stale; both are problems,
as every survivor is.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ...course import outcomes
from ..answers import REJECTED, Answer, AnswerChecker, Verdict
from ...course.columns import table
from ...course.data import Course, CourseError, Kata
from ...course.i18n import current_language, t
from ...course.paths import display_path
from . import DEFAULT_TIMEOUT, records
from .generate import Mutant, mutants

KILLED, SURVIVED, EQUIVALENT, CONTRADICTED, UNDECIDED = "killed", "survived", "equivalent", "contradicted", "undecided"
#: seconds the reference solution's code may run for its whole kata
SOLUTION_TIMEOUT = 60.0


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    verdict: Verdict
    record: records.Equivalent | None

    @property
    def kind(self) -> str:
        if self.verdict.status in REJECTED or self.verdict.status == outcomes.NOT_STARTED:
            return CONTRADICTED if self.record is not None else KILLED
        if self.verdict.passed:
            return EQUIVALENT if self.record is not None else SURVIVED
        return UNDECIDED


@dataclass
class KataRun:
    kata: Kata
    #: the reference solution's verdict; None when the kata has no checks
    solution: Verdict | None
    outcomes: list[Outcome] = field(default_factory=list)
    #: records of this kata that name no mutant of its solution
    stale: list[records.Equivalent] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(o.kind == kind for o in self.outcomes)

    def timeouts(self) -> int:
        return sum(o.kind == KILLED and o.verdict.status == outcomes.TIMEOUT for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.solution is not None and self.solution.passed and not self.stale \
            and all(o.kind in (KILLED, EQUIVALENT) for o in self.outcomes)


@dataclass
class MutationRun:
    katas: list[KataRun]
    seconds: float
    workers: int
    sandbox: str

    @property
    def ok(self) -> bool:
        return all(k.ok for k in self.katas)


def run(course: Course, solutions: Path, katas: list[Kata], jobs: int | None = None,
        timeout: float = DEFAULT_TIMEOUT, progress: TextIO | None = None) -> MutationRun:
    """Check every mutant of ``katas``' solutions (in ``solutions``) against the katas' checks.
    A kata without a check file is reported as such; one without a solution is a CourseError."""
    start = time.monotonic()
    recorded = records.load(course)
    texts = {}
    for kata in katas:
        try:
            texts[kata.id] = (solutions / kata.filename).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CourseError(f"{display_path(solutions / kata.filename)} is missing: dev mutants mutates "
                              f"each kata's reference solution") from None
    runs = {k.id: KataRun(k, None) for k in katas}
    checked = [k for k in katas if (course.root / k.checks_filename).is_file()]
    if not checked:
        return MutationRun(list(runs.values()), time.monotonic() - start, 0, "-")
    found = {k.id: mutants(k, texts[k.id], display_path(solutions / k.filename)) for k in checked}
    with AnswerChecker(course, solutions, checked, jobs, max(timeout, SOLUTION_TIMEOUT)) as checker:
        for verdict in checker.check([Answer(k, texts[k.id], display_path(solutions / k.filename))
                                      for k in checked], SOLUTION_TIMEOUT):
            runs[verdict.answer.kata.id].solution = verdict
        tried = [m for k in checked if runs[k.id].solution.passed for m in found[k.id]]
        shown = _Progress(len(tried), progress or sys.stderr)
        verdicts = checker.check([Answer(m.kata, m.text, m.id) for m in tried], timeout, shown.heard)
    for mutant, verdict in zip(tried, verdicts):
        runs[mutant.kata.id].outcomes.append(Outcome(mutant, verdict, recorded.get((mutant.kata.id, mutant.id))))
    for kata in checked:
        if runs[kata.id].solution.passed:
            ids = {m.id for m in found[kata.id]}
            runs[kata.id].stale = [r for (kata_id, mutant_id), r in recorded.items()
                                   if kata_id == kata.id and mutant_id not in ids]
    return MutationRun(list(runs.values()), time.monotonic() - start, checker.jobs, checker.sandbox)


class _Progress:
    """``checked 120/446 mutants · 52 s`` on stderr, redrawn in place on a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.start = time.monotonic()
        self.end = "\r" if stream.isatty() else "\n"
        self.every = 1 if stream.isatty() else max(1, total // 10)

    def heard(self, _: Verdict) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            line = t("dev_mutants_progress", done=self.done, total=self.total, seconds=time.monotonic() - self.start)
            self.stream.write(line + (self.end if self.done < self.total else "\n"))
            self.stream.flush()


def report(result: MutationRun) -> str:
    """The table per kata, then each survivor with its diff, each equivalent mutant with its
    reason, and every problem with a record."""
    lang = current_language()
    header = t("dev_mutants_header").split("|")
    rows = [[k.kata.id, str(len(k.outcomes)), str(k.count(KILLED)), str(k.timeouts()), str(k.count(SURVIVED)),
             str(k.count(EQUIVALENT)), str(k.count(CONTRADICTED) + k.count(UNDECIDED))] for k in result.katas]
    total = [t("dev_total")] + [str(sum(int(row[i]) for row in rows)) for i in range(1, len(header))]
    lines = [table([header, *rows, total]), "",
             t("dev_mutants_time", count=int(total[1]), seconds=result.seconds, workers=result.workers,
               sandbox=result.sandbox)]
    for kata_run in result.katas:
        lines += _kata_notes(kata_run, lang)
    lines += ["", t("dev_mutants_ok") if result.ok else t("dev_mutants_not_ok")]
    return "\n".join(lines) + "\n"


def _kata_notes(kata_run: KataRun, lang: str) -> list[str]:
    kata = kata_run.kata.id
    if kata_run.solution is None:
        return ["", t("dev_mutants_no_checks", kata=kata)]
    if not kata_run.solution.passed:
        return ["", t("dev_mutants_solution_fails", kata=kata, path=kata_run.solution.answer.label,
                      said=kata_run.solution.said())]
    notes = []
    equivalent: dict[str, list[str]] = {}  # reason -> its mutants, in the order they came
    for outcome in kata_run.outcomes:
        mutant = outcome.mutant
        if outcome.kind == SURVIVED:
            notes += ["", t("dev_mutants_survivor", kata=kata, mutant=mutant.id), mutant.diff.rstrip()]
        elif outcome.kind == EQUIVALENT:
            equivalent.setdefault(outcome.record.reason.get(lang, outcome.record.reason["en"]), []).append(mutant.id)
        elif outcome.kind == CONTRADICTED:
            notes += ["", t("dev_mutants_contradicted", kata=kata, mutant=mutant.id, said=outcome.verdict.said()),
                      mutant.diff.rstrip()]
        elif outcome.kind == UNDECIDED:
            notes += ["", t("dev_mutants_undecided", kata=kata, mutant=mutant.id, said=outcome.verdict.said())]
    for reason, ids in equivalent.items():
        notes += ["", t("dev_mutants_equivalent", kata=kata, count=len(ids), reason=reason)]
        notes += [f"  {mutant_id}" for mutant_id in ids]
    for record in kata_run.stale:
        notes += ["", t("dev_mutants_stale", kata=kata, mutant=record.mutant, file=records.RECORDS_FILE)]
    return notes

