"""Reading the learner's kata files, as the runner will send them to a learner process.

Only regular files are read, never through a symbolic link, and only up to a size no kata
needs: a FIFO, a device, a link to a solution or a gigabyte file is refused with a message
that says so, and never blocks or fills the memory of the process that reads it.

A kata file's text is what Python reads from it (:func:`decode_source`, as
``importlib.util.decode_source``): UTF-8, or the encoding a BOM or a PEP 263 coding line names,
with every line end as ``"\n"``, so the lines the checks name are the learner's own. A file
Python could not read is refused with a message that names the line and the fix.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tokenize
from pathlib import Path
from typing import Callable

from .data import Course
from .i18n import t

#: the largest kata file read; a kata's module is a few kilobytes
MAX_SIZE = 1024 * 1024


class KataSource:
    """The learner's files as the runner sends them: each kata module's source by module name,
    the name messages show for it, and the module the checks are about. Plain data, defined
    here rather than beside the runner so that a client that only reads files and sends them
    (the ``run`` command, a notebook) imports no torch."""

    def __init__(self, sources: dict[str, str], paths: dict[str, str], main: str) -> None:
        self.sources, self.paths, self.main = sources, paths, main


class SourceError(Exception):
    """A kata file that cannot be read as a kata module; the message says why."""


def _not_regular(info: os.stat_result, shown: str) -> SourceError | None:
    if stat.S_ISLNK(info.st_mode):
        return SourceError(t("source_not_regular", path=shown, kind=t("source_kind_link")))
    if not stat.S_ISREG(info.st_mode):
        return SourceError(t("source_not_regular", path=shown, kind=t("source_kind_special")))
    return None


def read_kata_file(path: Path, shown: str) -> str:
    """The text of the kata file ``path`` as Python reads it; ``shown`` is how messages name it."""
    return decode_source(read_kata_bytes(path, shown), shown)


def reads_as(path: Path, text: str | None) -> bool:
    """Whether Python reads the kata file ``path`` as ``text`` (an untouched stub, whatever its
    BOM and line ends); False when it is missing or cannot be read."""
    try:
        return read_kata_file(path, str(path)) == text
    except (OSError, SourceError):
        return False


def decode_source(data: bytes, shown: str) -> str:
    """``data`` as Python reads a source file: in the encoding its BOM or coding line names
    (UTF-8 without either; the BOM dropped, the coding line kept, so no line moves), each
    CRLF or CR line end as "\n". SourceError, naming the file and the fix, when Python could
    not read it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        raise SourceError(_not_text(shown, _declaration_problem(data, err.msg))) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise SourceError(_not_text(shown, _bytes_not_in(data, encoding))) from None
    except LookupError as err:  # a codec that is not a text encoding: # coding: rot13
        raise SourceError(_not_text(shown, t("source_reason_coding", error=err))) from None
    return io.IncrementalNewlineDecoder(None, translate=True).decode(text, final=True)


def _declaration_problem(data: bytes, error: str) -> str:
    """Why ``tokenize.detect_encoding`` refused ``data`` (``error``), in the learner's words."""
    # It reads lines 1 and 2 as UTF-8 to find a coding line: bytes that are not refuse them.
    not_utf8 = _bytes_not_in(b"".join(data.splitlines(keepends=True)[:2]), "utf-8-sig")
    if not_utf8:
        return not_utf8
    if data.startswith(codecs.BOM_UTF8):
        return t("source_reason_bom_and_coding")
    return t("source_reason_coding", error=error)


def _bytes_not_in(data: bytes, encoding: str) -> str | None:
    """Where ``data`` is not text in ``encoding``: its first such bytes and their line."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        line = len(re.split(rb"\r\n|\r|\n", data[:err.start]))
        return t("source_reason_bytes", line=line, bytes=data[err.start:err.end].hex(" "),
                 encoding=err.encoding.upper())
    return None


def _not_text(shown: str, reason: str) -> str:
    return t("source_not_text", path=shown, reason=reason)


def read_kata_bytes(path: Path, shown: str, limit: int = MAX_SIZE) -> bytes:
    """The bytes of ``path``, at most ``limit`` (a notebook may hold images); ``shown`` is how
    messages name it."""
    try:
        # Looked at before it is opened: opening a device can act on it (a tape rewinds, a
        # watchdog arms), and a folder of learners' files can hold one (a tar extracted as root).
        problem = _not_regular(os.lstat(path), shown)
    except FileNotFoundError:
        raise FileNotFoundError(2, "missing", shown) from None
    except OSError as err:
        raise SourceError(t("source_unreadable", path=shown, error=err.strerror)) from None
    if problem is not None:
        raise problem
    try:
        # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO since lstat is refused
        # below, never followed or waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise FileNotFoundError(2, "missing", shown) from None
    except OSError as err:
        if os.path.islink(path):
            raise SourceError(t("source_not_regular", path=shown, kind=t("source_kind_link"))) from None
        raise SourceError(t("source_unreadable", path=shown, error=err.strerror)) from None
    try:
        info = os.fstat(fd)
        problem = _not_regular(info, shown)
        if problem is not None:
            raise problem
        data = os.read(fd, limit + 1)
        if info.st_size > limit or len(data) > limit:
            raise SourceError(t("source_too_large", path=shown, limit=limit // 1024))
    finally:
        os.close(fd)
    return data


def names_module(text: str, module: str) -> bool:
    """Whether ``text`` names ``module`` as a word (``import k02_build_graph``,
    ``from k02_build_graph import f``, ``import_module("k02_build_graph")``)."""
    return re.search(rf"(?<![\w.]){re.escape(module)}(?!\w)", text) is not None


def kata_source(course: Course | None, folder: Path, main: str, shown: Callable[[str], str]) -> KataSource:
    """The learner's module ``main`` from ``folder``, with the learner's other kata modules it
    names, and those they name in turn (so one kata may import another), each named in
    messages as ``shown`` gives.

    Only modules named in the text are sent: what a kata's result depends on is then exactly
    the text sent, which is what the grader's reuse of a result for identical files needs,
    and a learner's run and the grader send the same modules.

    Raises FileNotFoundError when ``main`` is missing, SourceError when it cannot be read. The
    other katas' files are optional: one that cannot be read is left out."""
    modules = [k.module for k in course.katas] if course is not None else [main]
    sources = {main: read_kata_file(folder / f"{main}.py", shown(main))}
    pending = [main]
    while pending:
        text = sources[pending.pop()]
        for module in modules:
            if module in sources or not names_module(text, module):
                continue
            try:
                sources[module] = read_kata_file(folder / f"{module}.py", shown(module))
            except (OSError, SourceError):
                continue
            pending.append(module)
    return KataSource(sources, {m: shown(m) for m in sources}, main)
