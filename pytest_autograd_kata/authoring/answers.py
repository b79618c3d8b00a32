"""Checking many answers to a course's katas at once, each exactly as the grader checks a
submission, for the course author's tools (``autograd-kata dev check`` and ``dev mutants``).

An answer is the text of one kata's module: a reference solution, a stub, a wrong or a right
answer of the corpora, a mutant. Each is written into a folder of its own beside the reference
solutions of the other katas (a learner who solved the katas before it: an answer may import
one), the grader makes its request from that folder (:func:`..grading.intake.request`), and the
grader's warm workers (:class:`..grading.pool.Pool`) run the kata's checks on it, under the
grading profile (derandomized: the same verdict every time), with the learner's code in the
strongest sandbox this machine allows (the author's own code: no sandbox is no reason to stop).
"""
from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..course import outcomes
from ..course.data import Course, Kata
from ..grading import intake
from ..grading.grade import REVIEW
from ..grading.plan import DEFAULT_MEMORY_MIB, GradePlan
from ..grading.pool import Pool
from ..grading.workdir import WorkFolder
from ..runner import sandbox
from ..course.summary import flag_lines, status_word
from ..remote import LearnerRaised, RemoteException, RemoteFunction, RemoteKata, RemoteObject, RemoteTensor

#: what a kata's status says about an answer: the checks rejected it
REJECTED = (outcomes.FAILED, outcomes.ERROR, outcomes.TIMEOUT)
#: the checks' stand-ins for what the learner's process holds: names no learner wrote, which a
#: message must never show (a learner's tensor is a Tensor: assertions.shown_type)
STAND_INS = re.compile(r"\b(%s)\b" % "|".join(c.__name__ for c in (RemoteTensor, RemoteObject, RemoteException,
                                                                      RemoteFunction, RemoteKata, LearnerRaised)))


@dataclass(frozen=True)
class Answer:
    kata: Kata
    #: the text of the kata's module
    text: str
    #: how reports name it: a path, a mutant's id
    label: str


@dataclass(frozen=True)
class Verdict:
    answer: Answer
    #: the kata's result; None when the grader could not grade it for sure (see :attr:`review`)
    result: outcomes.KataResult | None
    #: why the grader could not: a worker lost twice, a signal from outside
    review: str = ""

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else REVIEW

    @property
    def passed(self) -> bool:
        return self.status == outcomes.PASSED

    def messages(self) -> list[str]:
        """What the checks that did not pass said (or why the kata could not be graded)."""
        if self.result is None:
            return [self.review]
        said = [self.result.forced_message] + [c.message for c in self.result.checks if c.status != outcomes.PASSED]
        said += flag_lines(self.result)[1:]  # a right answer flagged for review fails the course's promise
        return [m.strip() for m in said if m.strip()]

    def stand_ins(self) -> list[str]:
        """The checks' own stand-in classes its messages name (see STAND_INS)."""
        return sorted({found for message in self.messages() for found in STAND_INS.findall(message)})

    @property
    def rejected(self) -> bool:
        """The checks said no, and said why: a failure without a message teaches nothing."""
        return self.status in REJECTED and bool(self.messages())

    def said(self) -> str:
        """The verdict in words: the kata's status, and the first line of what a check that did
        not pass said (for a kata that could not be graded: why)."""
        if self.result is None:
            return self.review
        messages = self.messages()
        word = status_word(self.status)
        return f"{word}: {messages[0].splitlines()[0]}" if messages else word


class AnswerChecker:
    """``with AnswerChecker(course, solutions, katas) as checker: checker.check(answers, timeout)``.

    The workers collect the checks of ``katas`` once and serve every :meth:`check` call."""

    def __init__(self, course: Course, solutions: Path, katas: list[Kata], jobs: int | None = None,
                 timeout: float = 60.0) -> None:
        self.course, self.solutions, self.katas = course, solutions, katas
        self.jobs = jobs or os.cpu_count() or 1
        self.timeout = timeout
        self._folders = itertools.count()

    def __enter__(self) -> AnswerChecker:
        with contextlib.ExitStack() as stack:
            out = Path(tempfile.mkdtemp(prefix="autograd-kata-dev-"))
            stack.callback(shutil.rmtree, out, ignore_errors=True)
            self.plan = GradePlan(course=self.course,
                                  check_files=tuple(self.course.root / k.checks_filename for k in self.katas),
                                  submissions=(), out=out, jobs=self.jobs, timeout=self.timeout,
                                  memory_mib=DEFAULT_MEMORY_MIB, lang="en", sandbox=sandbox.best_level())
            self.work = WorkFolder(out, self.plan.sandbox)
            stack.callback(self.work.remove)
            self.pool = stack.enter_context(Pool(self.plan, self.work, self.jobs))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)

    @property
    def sandbox(self) -> str:
        return self.plan.sandbox

    def has_checks(self, kata: Kata) -> bool:
        return bool(self.pool.checks.get(kata.id))

    def check(self, answers: list[Answer], timeout: float | None = None,
              on_verdict: Callable[[Verdict], None] = lambda v: None) -> list[Verdict]:
        """Each answer's verdict, in the order given; ``timeout``: seconds the answer's code may
        run for its whole kata (default: the checker's). ``on_verdict`` hears of each as it comes."""
        jobs, verdicts = [], {}
        for number, answer in enumerate(answers):
            folder = self._folder(answer)
            request = intake.request(intake.Submission(answer.label, folder), answer.kata, self.course)
            jobs.append({**request, "id": number, "timeout": min(timeout or self.timeout, self.timeout),
                         "per": "kata"})

        def on_done(job: dict, reply: dict) -> None:
            answer = answers[job["id"]]
            if "kata" in reply:
                verdict = Verdict(answer, outcomes.KataResult.from_json(reply["kata"]))
            else:
                verdict = Verdict(answer, None, "; ".join(reply["review"]))
            verdicts[job["id"]] = verdict
            on_verdict(verdict)

        self.pool.run(jobs, on_done)
        return [verdicts[number] for number in range(len(answers))]

    def _folder(self, answer: Answer) -> Path:
        """A folder with the answer as its kata's module, and the other katas' solutions."""
        folder = self.work.copy_folder(next(self._folders))
        for kata in self.course.katas:
            if kata.id != answer.kata.id and (self.solutions / kata.filename).is_file():
                shutil.copyfile(self.solutions / kata.filename, folder / kata.filename)
        (folder / answer.kata.filename).write_text(answer.text, encoding="utf-8")
        return folder
