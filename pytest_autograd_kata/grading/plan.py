"""A grading run's plan (:class:`GradePlan`): what :mod:`.planning` checked and decided before any
work starts, which every part of the grader reads; and :class:`GradeError`, how any of them
says what the teacher must change."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..course.data import Course

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MIB = 2048


class GradeError(Exception):
    """Bad input or a broken course; the message says what to change."""


@dataclass(frozen=True)
class GradePlan:
    course: Course
    #: the check modules the workers collect
    check_files: tuple[Path, ...]
    submissions: tuple[Path, ...]
    out: Path
    jobs: int
    timeout: float
    memory_mib: int
    lang: str
    #: the sandbox level the learner's code runs at (see isolation.choose)
    sandbox: str
    #: the katas to grade, or None for every kata that has checks
    only: tuple[str, ...] | None = None
    #: run a kata module that several submissions share byte for byte once (see grade.grade)
    reuse: bool = True
    #: (I, N): this run grades share I of N of the class (see shards), (1, 1) the whole class
    shard: tuple[int, int] = (1, 1)
    #: the whole class, whichever share this run grades (see shards.class_of)
    class_digest: dict | None = None
