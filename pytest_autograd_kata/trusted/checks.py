"""A kata's result for the command line: checked now by the course's checks session
(:mod:`.checker`), or known without running anything; either way marked as not counting when
the kata's checks differ from the course's record of them (:mod:`..course.checksums`).

A result is remembered in the state file with a digest of the files it was checked on, so the
board rechecks only the katas whose file (or checks) changed since.
"""
from __future__ import annotations

import hashlib

from ..course import checksums
from ..course.data import Kata
from ..course.outcomes import ERROR, PASSED, KataResult
from ..course.paths import display_path
from ..course.sources import KataSource, SourceError, kata_source, reads_as
from ..course.state import State
from .checker import Checker, check_timeout, open_checker, request
from ..course.workspace import Workspace


def digest(ws: Workspace, kata: Kata) -> str:
    """Changes whenever the learner's file or the kata's checks change."""
    h = hashlib.sha256()
    for path in (ws.kata_file(kata), ws.checks_file(kata)):
        h.update(path.read_bytes() if path.exists() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()[:16]


def unchecked(kata: Kata, lang: str) -> KataResult:
    """A kata whose checks did not run: not started."""
    return KataResult(kata.id, kata.text("title", lang), kata.points)


def learner_source(ws: Workspace, kata: Kata) -> KataSource:
    """The learner's files for ``kata``, read now; without its file, a source that lacks it
    (the checks then say the file is missing, and how to get it back)."""
    def shown(module: str) -> str:
        return display_path(ws.katas / f"{module}.py")

    try:
        return kata_source(ws.course, ws.katas, kata.module, shown)
    except FileNotFoundError:
        return KataSource({}, {kata.module: shown(kata.module)}, kata.module)


def check_now(ws: Workspace, checker: Checker, kata: Kata, lang: str, source: KataSource | None = None,
              figures: bool = False) -> KataResult:
    """Run the kata's checks now: on ``source`` when given (a notebook passes the text of its
    cells, named as it wants them shown), else on the learner's files as they are. With
    ``figures``, the result holds the PNG files the learner's code saved (``result.figures``)."""
    if checksums.state(ws.course, kata) == checksums.MISSING:
        return unchecked(kata, lang)  # nothing to run; :func:`review` says why
    if source is None:
        try:
            source = learner_source(ws, kata)
        except SourceError as err:  # a link, a special file, a huge file: the checks never see it
            return KataResult(kata.id, kata.text("title", lang), kata.points, forced_status=ERROR,
                              forced_message=str(err))
    return KataResult.from_json(checker.check(request(kata, source, lang, check_timeout(ws), figures)))


def check_and_remember(ws: Workspace, state: State, checker: Checker, kata: Kata, lang: str) -> KataResult:
    before = digest(ws, kata)  # before the run: an edit during it is not what was checked
    result = check_now(ws, checker, kata, lang)
    state.reload()  # another command (a hint in a second terminal) may have written it meanwhile
    state.remember(result, before)
    state.save()
    return review(ws, kata, result, lang)


def review(ws: Workspace, kata: Kata, result: KataResult, lang: str) -> KataResult:
    """The result as the learner reads it: titled in ``lang``, and not counting when the
    kata's checks are not the course's."""
    result.title = kata.text("title", lang)  # a remembered result may have been checked in the other language
    how = checksums.state(ws.course, kata)
    if how != checksums.INTACT:
        checksums.mark(result, checksums.note(kata, how, display_path(ws.checks_file(kata)), lang))
    return result


def known(ws: Workspace, state: State, kata: Kata, lang: str) -> KataResult | None:
    """The kata's result without running anything: an untouched stub is not started, and a
    result remembered for the same files still holds. None when it must be checked."""
    if reads_as(ws.kata_file(kata), ws.stub(kata)):
        return review(ws, kata, unchecked(kata, lang), lang)
    found = state.result(kata.id, digest(ws, kata))
    return None if found is None else review(ws, kata, found, lang)


def results(ws: Workspace, state: State, katas: list[Kata], lang: str, fresh: bool = False) -> dict[str, KataResult]:
    """Each kata's result: :func:`known` ones as they are (unless ``fresh``), the others
    checked now. The state remembers the new ones."""
    found = {} if fresh else {k.id: known(ws, state, k, lang) for k in katas}
    stale = [k for k in katas if found.get(k.id) is None]
    if stale:
        checker = open_checker(ws)
        try:
            for kata in stale:
                found[kata.id] = check_and_remember(ws, state, checker, kata, lang)
        finally:
            checker.close()
    return {k.id: found[k.id] for k in katas}


def named_or_current(ws: Workspace, state: State, kata_id: str | None, lang: str) -> Kata | None:
    """The kata a command was given, else the current one (the first unfinished); None when
    none was given and every kata passes."""
    return ws.kata(kata_id) if kata_id else first_unfinished(ws, state, lang)


def first_unfinished(ws: Workspace, state: State, lang: str, after: Kata | None = None) -> Kata | None:
    """The first kata not known to pass on its current files: counting from the one after
    ``after`` (round to the start of the course), else from the first."""
    katas = list(ws.course.katas)
    if after is not None:
        start = katas.index(after) + 1
        katas = katas[start:] + katas[:start - 1]
    for kata in katas:
        result = known(ws, state, kata, lang)
        if result is None or result.status != PASSED:
            return kata
    return None
