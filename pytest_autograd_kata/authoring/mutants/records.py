"""The course's records of equivalent mutants: ``equivalent_mutants.toml`` beside
``course.toml``.

A mutant is equivalent when, by its kata's statement, it is a right answer too: no check may
kill it, and a check that did would reject a learner who wrote it. Each record names the mutant
by its id (as ``autograd-kata dev mutants`` prints it) and says why, in English and Chinese;
mutants that are equivalent for the same reason share one record::

    [[equivalent]]
    kata = "k12"
    mutants = ["plot_sin_and_derivative:autograd/DetachToData:0123abcd"]
    reason.en = "matplotlib only reads the values: x.data and x.detach() hold the same ones"
    reason.zh = "……"

Standard library only, like the course file.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ...course.data import Course, CourseError

RECORDS_FILE = "equivalent_mutants.toml"


@dataclass(frozen=True)
class Equivalent:
    kata: str
    mutant: str
    #: why the mutant is a right answer, by language
    reason: dict[str, str]


def records_path(course: Course) -> Path:
    return course.root / RECORDS_FILE


def load(course: Course) -> dict[tuple[str, str], Equivalent]:
    """(kata id, mutant id) -> its record; empty when the course has no records file."""
    path = records_path(course)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as err:
        raise CourseError(f"{path} is not valid TOML: {err}") from None
    found: dict[tuple[str, str], Equivalent] = {}
    for number, table in enumerate(data.get("equivalent", []), 1):
        where = f"{path}: [[equivalent]] number {number}"
        kata, mutants, reason = table.get("kata"), table.get("mutants"), table.get("reason")
        if not (isinstance(kata, str) and isinstance(mutants, list) and all(isinstance(m, str) for m in mutants)
                and isinstance(reason, dict)):
            raise CourseError(f"{where} needs kata, mutants (a list of ids), reason.en and reason.zh")
        if not (str(reason.get("en", "")).strip() and str(reason.get("zh", "")).strip()):
            raise CourseError(f"{where} needs the reason in English and Chinese (reason.en, reason.zh)")
        if course.find(kata) is None:
            raise CourseError(f"{where} names kata {kata!r}, which the course does not have")
        for mutant in mutants:
            if (kata, mutant) in found:
                raise CourseError(f"{where} records {kata} {mutant} a second time")
            found[kata, mutant] = Equivalent(kata, mutant, reason)
    return found
