"""What the checks' messages say about a notebook's code, and what they add to it.

The checks name the gathered code as one file (``the notebook's k03 code``, line 12); a learner
reads the notebook's cells: each line number becomes the cell and the line there ("In [7], line
3" in a kernel, "cell 12, line 3" in a graded notebook), and what a terminal's learner is told to
do (write the stub's function in its file, debug with ``python -i``) is told for a notebook. When a kata does not pass, the notes say which of its cells did not
parse and which magics and shell commands were left out of its code.
"""
from __future__ import annotations

import re
import string
from dataclasses import replace

from ..course import outcomes
from ..course.data import LANGS
from ..course.i18n import catalog, t
from .cells import Gathered


def notes(gathered: Gathered) -> list[str]:
    """How the kata's code was gathered, where that may be why it did not pass."""
    lines = [t("notebook_unparsed", cell=label, error=error) for label, error in gathered.unparsed]
    if gathered.dropped:
        lines.append(t("notebook_dropped", lines="; ".join(f"{label}: {line}" for label, line in gathered.dropped)))
    return lines


def reworded(result: outcomes.KataResult, gathered: Gathered, shown: str) -> outcomes.KataResult:
    """The result with its messages about the notebook: lines of the gathered code (``shown``)
    named by their cell, and what to do told as a notebook's learner does it."""
    checks = [replace(check, message=_reworded(check, gathered, shown)) for check in result.checks]
    return replace(result, checks=checks)


#: messages that tell a terminal's learner what to do, and what a notebook's learner reads instead
NOTEBOOK_WORDING = {"not_started": "notebook_not_started", "breakpoint_unavailable": "notebook_breakpoint"}


def _reworded(check: outcomes.CheckResult, gathered: Gathered, shown: str) -> str:
    first, _, rest = check.message.partition("\n")
    for key, notebook_key in NOTEBOOK_WORDING.items():
        fields = _fields(key, first)
        if fields is not None:
            return "\n".join(filter(None, [t(notebook_key, kata=check.kata, **fields), rest]))
    return relabelled(check.message, gathered, shown)


def relabelled(message: str, gathered: Gathered, shown: str) -> str:
    """``message`` with each line number of the gathered code (``shown``, line N) as the cell
    and the line there; also the "(line N)" of an import error, which names ``shown`` before."""
    if shown not in message:
        return message

    def cell(line: str, english: bool) -> str | None:
        found = gathered.cell_line(int(line))
        if found is None:
            return None
        label, number = found
        return f"{label}, line {number}" if english else f"{label} 第 {number} 行"

    after_path = re.compile(re.escape(shown) + r"(?:(, line )| ?第 ?)(\d+)( ?行)?")
    message = after_path.sub(lambda m: cell(m[2], bool(m[1])) or m[0], message)
    in_brackets = re.compile(r"\((?:line )(\d+)\)|（第 ?(\d+) ?行）")
    return in_brackets.sub(lambda m: (f"({cell(m[1], True)})" if m[1] else f"（{cell(m[2], False)}）")
                           if cell(m[1] or m[2], bool(m[1])) else m[0], message)


def _fields(key: str, line: str) -> dict | None:
    """The fields of message ``key`` (in either language) that ``line`` was made from."""
    for lang in LANGS:
        pattern = ""
        for literal, name, _, _ in string.Formatter().parse(catalog()[key][lang]):
            pattern += re.escape(literal).replace(r"\ ", " ?").replace(" ", " ?")
            if name is not None:
                pattern += f"(?P<{name}>.+?)"
        found = re.fullmatch(pattern, line)
        if found:
            return found.groupdict()
    return None
