"""Reading the submissions once, before any of their code runs.

Each kata file of a submission is read with :func:`..sources.read_kata_file` (regular files
only, never through a link, size-capped; ``__pycache__`` and every other file are never looked
at) and copied into a private folder under ``OUT/.work``. Every run of the submission's code,
and the key under which identical files share one run, come from that copy: a learner's code
that rewrites its own file, or a peer's, changes nothing that is graded.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course, Kata
from ..sources import SourceError, kata_source, read_kata_file


@dataclass
class Submission:
    #: the folder's name: how reports and the gradebook name it
    name: str
    #: the private copy of its kata files
    copy: Path
    #: kata module -> why its file could not be read (a FIFO, a link, too large)
    unreadable: dict[str, str] = field(default_factory=dict)


def shown(module: str) -> str:
    """How messages name a learner's file: as the learner knows it, never by where it was graded."""
    return f"{module}.py"


def take_in(folder: Path, course: Course, copy: Path) -> Submission:
    """Copy ``folder``'s kata files into ``copy``; what could not be read is noted, not copied."""
    submission = Submission(folder.name, copy)
    for kata in course.katas:
        try:
            text = read_kata_file(folder / kata.filename, kata.filename)
        except FileNotFoundError:
            continue
        except SourceError as err:
            submission.unreadable[kata.module] = str(err)
            continue
        fd = os.open(copy / kata.filename, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    return submission


def request(submission: Submission, kata: Kata, course: Course) -> dict:
    """What the worker needs to check ``kata`` of ``submission``: the kata's module and the
    learner's modules it names (see :func:`..sources.kata_source`), as read into the copy."""
    main = kata.module
    found = {"kata": kata.id, "main": main, "sources": {}, "paths": {main: shown(main)}}
    if main in submission.unreadable:
        found["unreadable"] = submission.unreadable[main]
        return found
    try:
        source = kata_source(course, submission.copy, main, shown)
    except FileNotFoundError:
        return found
    found["sources"], found["paths"] = source.sources, source.paths
    return found


def reuse_key(found: dict) -> str:
    """What the kata's result depends on besides the course's checks (derandomized): exactly
    the request. Two submissions with the same key get the same result."""
    return hashlib.sha256(json.dumps(found, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
