"""Hypothesis's own lines in a failure's notes (the failing example), in the learner's language.

Hypothesis writes them in English ("Falsifying example: ...", "Draw 1 (x): ...", "# or any
other generated value"); a learner reading Chinese reads them in Chinese. Each line Hypothesis
is known to write is matched as a whole and rewritten from :mod:`messages.toml`; the values in it
(the example itself) are kept as they are, and any other line is left alone.
"""
from __future__ import annotations

import re

from ..course.i18n import current_language, t

#: (a line Hypothesis writes, the message that says it; the pattern's groups fill the message)
LINES = (
    (re.compile(r"^(?P<indent>\s*)(?:Falsifying (?:explicit )?example|Failing test case): ?(?P<rest>.*)$"),
     "hypothesis_falsifying"),
    (re.compile(r"^(?P<indent>\s*)Draw (?P<n>\d+) \((?P<label>.*?)\): ?(?P<rest>.*)$"), "hypothesis_draw_labelled"),
    (re.compile(r"^(?P<indent>\s*)Draw (?P<n>\d+): ?(?P<rest>.*)$"), "hypothesis_draw"),
    (re.compile(r"^(?P<code>.*?)(?P<space>\s*)# or any other generated value$"), "hypothesis_any_value"),
    (re.compile(r"^(?P<indent>\s*)# The test sometimes passed when commented parts were varied together\.$"),
     "hypothesis_sometimes_passed"),
    (re.compile(r"^(?P<indent>\s*)# The test always failed when commented parts were varied together\.$"),
     "hypothesis_always_failed"),
    (re.compile(r"^(?P<indent>\s*)Explanation:$"), "hypothesis_explanation"),
)


def translate(notes: str) -> str:
    """``notes`` with Hypothesis's lines in the current language (unchanged in English)."""
    if current_language() == "en":
        return notes
    return "\n".join(_line(line) for line in notes.split("\n"))


def _line(line: str) -> str:
    for pattern, key in LINES:
        found = pattern.match(line)
        if found:
            return t(key, **found.groupdict())
    return line
