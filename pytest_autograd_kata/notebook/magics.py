"""``%kata``: the course's command line as one line magic.

- ``%kata``: the board (progress, the next kata, its statement and commands);
- ``%kata k03`` (``-v``: every check in full): check k03 on the notebook's code;
- ``%kata hint k03``: the next hint; ``%kata reset k03``: the kata's original code again;
- ``%kata source k03``: the code the checks get, gathered from the cells that ran;
- ``--lang en|zh`` with any of them.
"""
from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass

from ..course.data import LANGS, CourseError
from ..course.i18n import LanguageError, t
from ..course.workspace import CliError

COMMANDS = ("hint", "reset", "source")


class UsageError(ValueError):
    pass


@dataclass
class Line:
    command: str  # "board", "check" or one of COMMANDS
    kata: str | None = None
    lang: str | None = None
    verbose: bool = False


def parse(line: str) -> Line:
    try:
        words = shlex.split(line)
    except ValueError as err:
        raise UsageError(str(err)) from None
    parsed, rest = Line("board"), []
    while words:
        word = words.pop(0)
        if word in ("-v", "--verbose"):
            parsed.verbose = True
        elif word == "--lang" or word.startswith("--lang="):
            value = word.partition("=")[2] or (words.pop(0) if words else "")
            if value not in LANGS:
                raise UsageError(f"--lang {value}")
            parsed.lang = value
        elif word.startswith("-"):
            raise UsageError(word)
        else:
            rest.append(word)
    if rest and rest[0] in COMMANDS:
        if len(rest) != 2:
            raise UsageError(" ".join(rest))
        parsed.command, parsed.kata = rest
    elif len(rest) == 1:
        parsed.command, parsed.kata = "check", rest[0]
    elif rest:
        raise UsageError(" ".join(rest))
    return parsed


class KataMagic:
    """The ``%kata`` magic of one kernel; the course is found on first use."""

    def __init__(self, shell) -> None:
        self.shell = shell
        self.course = None

    def __call__(self, line: str) -> None:
        from .session import KernelCourse

        try:
            parsed = parse(line)
        except UsageError as err:
            print(t("notebook_usage", error=str(err)), file=sys.stderr)
            return
        try:
            if self.course is None:
                self.course = KernelCourse(self.shell)
            course = self.course
            lang = course.language(parsed.lang)
            kata = course.ws.kata(parsed.kata) if parsed.kata else None
            if parsed.command == "board":
                course.board(lang)
            elif parsed.command == "check":
                course.check(kata, lang, parsed.verbose)
            elif parsed.command == "hint":
                course.hint(kata, lang)
            elif parsed.command == "reset":
                course.reset(kata)
            else:
                course.source(kata)
        except (CliError, CourseError, LanguageError) as err:
            print(err, file=sys.stderr)

    def close(self) -> None:
        if self.course is not None:
            self.course.close()
