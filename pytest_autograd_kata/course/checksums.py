"""The course's record of its checks, and whether each check file is still the one recorded.

``katas/checks.sha256`` (beside ``course.toml``; ``autograd-kata dev checks`` writes it) holds
the SHA-256 of every kata's check file as the course ships it, in ``sha256sum``'s format. A
check file that differs from its record, or is missing, gives no verdict that counts: a learner
who added ``return`` to a check would otherwise see the kata done. Such a kata is shown as not
counting, with the way back (``autograd-kata reset --checks KATA``).

A digest is taken of the text with ``\\n`` line ends, so a checkout that writes ``\\r\\n``
(git on Windows) still matches. Standard library only: the plugin and the board read it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from . import outcomes
from .data import Course, Kata
from .i18n import t

RECORD_FILE = "checks.sha256"
INTACT, CHANGED, MISSING = "intact", "changed", "missing"
HEADER = ("# SHA-256 of each kata's checks as the course ships them (text with \\n line ends).\n"
          "# Written by `autograd-kata dev checks`; a check file that differs does not count.\n")


def digest(data: bytes) -> str:
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def record_path(course: Course) -> Path:
    return course.root / RECORD_FILE


def recorded(course: Course) -> dict[str, str]:
    """Check file name -> its recorded digest; empty for a course without a record (a
    teacher's own course before its first ``dev checks``: then nothing is compared)."""
    try:
        text = record_path(course).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            value, _, name = line.partition("  ")
            found[name.strip()] = value.strip()
    return found


def state(course: Course, kata: Kata, record: dict[str, str] | None = None) -> str:
    """:data:`INTACT`, :data:`CHANGED` or :data:`MISSING`: the kata's check file against the
    record. A kata the record does not name is :data:`INTACT`: there is nothing to compare with."""
    expected = (recorded(course) if record is None else record).get(kata.checks_filename)
    if expected is None:
        return INTACT
    try:
        data = (course.root / kata.checks_filename).read_bytes()
    except FileNotFoundError:
        return MISSING
    return INTACT if digest(data) == expected else CHANGED


def note(kata: Kata, how: str, shown_path: str, lang: str | None = None) -> str:
    """What the learner reads about a kata whose checks are :data:`CHANGED` or :data:`MISSING`."""
    return t(f"checks_{how}", lang, kata=kata.id, path=shown_path)


def mark(result: outcomes.KataResult, note_text: str) -> None:
    """The result stands as the checks gave it, but does not count: never done."""
    result.forced_status, result.forced_message = outcomes.ERROR, note_text


def review(results: list[outcomes.KataResult], courses: Mapping[str, Course],
           shown: Callable[[Path], str]) -> list[str]:
    """For a run of the checks (``pytest katas``): mark each result whose kata's checks are not
    the recorded ones, and return a note for each kata of these courses whose check file is
    missing (nothing ran for it, so there is no result to mark)."""
    notes = []
    for result in results:
        course = courses.get(result.id)
        kata = course.find(result.id) if course is not None else None
        if kata is not None and (how := state(course, kata)) != INTACT:
            mark(result, note(kata, how, shown(course.root / kata.checks_filename)))
    for course in {c.path: c for c in courses.values()}.values():
        notes += [note(k, MISSING, shown(course.root / k.checks_filename)) for k in course.katas
                  if state(course, k) == MISSING]
    return notes


def write_record(course: Course) -> Path:
    """Record the digest of every kata's check file as it is now; returns the record's path."""
    lines = [f"{digest((course.root / k.checks_filename).read_bytes())}  {k.checks_filename}\n"
             for k in course.katas if (course.root / k.checks_filename).exists()]
    path = record_path(course)
    path.write_text(HEADER + "".join(lines), encoding="utf-8", newline="\n")
    return path
