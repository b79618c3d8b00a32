"""Reading the submissions once, before any of their code runs.

A submission is a folder of kata files, or a notebook (``.ipynb``): each kata's module is then
gathered from its code cells (:mod:`..notebook.cells`: the cells the course's notebook tags as
the kata's, else where the kata's functions are defined; magics and shell escapes are never
run, and are named in the kata's message when it does not pass) and written into the copy as
the kata's file, so the rest is graded exactly as a folder is.

Each kata file of a submission is read with :func:`..course.sources.read_kata_bytes` (regular files
only, never through a link, size-capped; ``__pycache__`` and every other file are never looked
at), refused with the reason when Python could not read it as source
(:func:`..course.sources.decode_source`), and copied byte for byte (its BOM, coding line and line
ends as they are) into a private folder under ``OUT/.work``. Every run of the submission's code,
and the key under which identical files share one run, come from that copy: a learner's code
that rewrites its own file, or a peer's, changes nothing that is graded.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..course import outcomes
from ..course.data import Course, Kata
from ..course.i18n import t
from ..course.inert import inert_line
from ..notebook.cells import Gathered
from ..course.sources import SourceError, decode_source, kata_source, read_kata_bytes

NOTEBOOK_SUFFIX = ".ipynb"
#: the largest notebook read: its outputs (plots) make it much larger than its code
NOTEBOOK_MAX_SIZE = 32 * 1024 * 1024


@dataclass
class Submission:
    #: the folder's name: how reports and the gradebook name it
    name: str
    #: the private copy of its kata files
    copy: Path
    #: kata module -> why its file could not be read (a FIFO, a link, too large)
    unreadable: dict[str, str] = field(default_factory=dict)
    #: a notebook's: kata module -> (kata id, its code as gathered from the cells)
    gathered: dict[str, tuple[str, Gathered]] = field(default_factory=dict)

    def shown(self, module: str) -> str:
        """How messages name a learner's file: as the learner knows it, never by where it was
        graded (a notebook's: the kata's code in it, whatever the notebook's name, so that
        identical code in two notebooks is run once)."""
        if module in self.gathered:
            return t("notebook_graded_name", kata=self.gathered[module][0])
        return f"{module}.py"


def submission_name(path: Path) -> str:
    """How reports and the gradebook name a submission: its folder's name, a notebook's stem,
    inert (a learner may have chosen it to move a teacher's cursor or forge a line)."""
    return inert_line(path.stem if is_notebook(path) else path.name)


def is_notebook(path: Path) -> bool:
    return path.suffix == NOTEBOOK_SUFFIX and not path.is_dir()


def take_in(path: Path, course: Course, copy: Path) -> Submission:
    """Copy the kata files of the folder ``path`` (or gathered from the notebook ``path``)
    into ``copy``; what could not be read is noted, not copied."""
    if is_notebook(path):
        return _take_in_notebook(path, course, copy)
    submission = Submission(submission_name(path), copy)
    for kata in course.katas:
        try:
            data = read_kata_bytes(path / kata.filename, kata.filename)
            decode_source(data, kata.filename)
        except FileNotFoundError:
            continue
        except SourceError as err:
            submission.unreadable[kata.module] = str(err)
            continue
        _write(copy / kata.filename, data)
    return submission


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _take_in_notebook(path: Path, course: Course, copy: Path) -> Submission:
    from ..notebook.cells import Notebook
    from ..notebook.course import kata_names
    from ..notebook.document import NotebookError, code_cells

    submission = Submission(submission_name(path), copy)
    try:
        # JSON, not Python source: read as UTF-8, as nbformat writes it
        cells = code_cells(read_kata_bytes(path, path.name, NOTEBOOK_MAX_SIZE).decode("utf-8", "replace"))
    except FileNotFoundError:
        cells = []  # gone since the plan was made: as an empty notebook
    except (SourceError, NotebookError) as err:
        why = t("notebook_unreadable", notebook=path.name, error=err)
        submission.unreadable.update({kata.module: why for kata in course.katas})
        return submission
    names = kata_names(course)
    notebook = Notebook(cells, names)
    for kata in course.katas:
        if kata.id not in names:
            submission.unreadable[kata.module] = t("notebook_no_stub", kata=kata.id)
            continue
        gathered = notebook.gather(kata.id)
        submission.gathered[kata.module] = kata.id, gathered
        if gathered.defined:
            _write(copy / kata.filename, gathered.source.encode("utf-8"))
        else:
            functions = ", ".join(f"`{name}`" for name in sorted(names[kata.id]))
            submission.unreadable[kata.module] = t("notebook_graded_not_defined", functions=functions)
    return submission


def as_submitted(result: outcomes.KataResult, submission: Submission, kata: Kata) -> outcomes.KataResult:
    """The kata's result as ``submission`` reads it: a notebook's messages name its cells,
    and say how its code was gathered when that may be why it did not pass."""
    if kata.module not in submission.gathered:
        return result
    from ..notebook import wording

    _, gathered = submission.gathered[kata.module]
    result = wording.reworded(result, gathered, submission.shown(kata.module))
    notes = wording.notes(gathered)
    if not notes or result.status == outcomes.PASSED:
        return result
    return replace(result, forced_message="\n".join(filter(None, [result.forced_message, *notes])))


def request(submission: Submission, kata: Kata, course: Course) -> dict:
    """What the worker needs to check ``kata`` of ``submission``: the kata's module and the
    learner's modules it names (see :func:`..course.sources.kata_source`), as read into the copy."""
    main = kata.module
    found = {"kata": kata.id, "main": main, "sources": {}, "paths": {main: submission.shown(main)}}
    if main in submission.unreadable:
        found["unreadable"] = submission.unreadable[main]
        return found
    try:
        source = kata_source(course, submission.copy, main, submission.shown)
    except FileNotFoundError:
        return found
    found["sources"], found["paths"] = source.sources, source.paths
    return found


def reuse_key(found: dict) -> str:
    """What the kata's result depends on besides the course's checks (derandomized): exactly
    the request. Two submissions with the same key get the same result."""
    return hashlib.sha256(json.dumps(found, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
