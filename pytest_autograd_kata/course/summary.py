"""The progress view: a bar, ``N/total``, one line per kata, and where the next kata is.

pytest's end-of-run summary and the ``autograd-kata`` board print the same lines, from here.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from . import outcomes
from .i18n import t

WORD = {outcomes.PASSED: "status_done", outcomes.FAILED: "status_failing",
        outcomes.NOT_STARTED: "status_not_started", outcomes.ERROR: "status_error",
        outcomes.TIMEOUT: "status_timeout", outcomes.REVIEW: "status_review"}
MARK = {outcomes.PASSED: "✔", outcomes.FAILED: "✘", outcomes.NOT_STARTED: "·",
        outcomes.ERROR: "!", outcomes.TIMEOUT: "⏱", outcomes.REVIEW: "?"}
BAR_WIDTH = 24


def status_word(status: str, lang: str | None = None) -> str:
    return t(WORD[status], lang)


def bar(done: int, total: int, cells: int = BAR_WIDTH) -> str:
    filled = round(cells * done / total) if total else 0
    return "[" + "█" * filled + "░" * (cells - filled) + "]"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def kata_line(kata: outcomes.KataResult, title_columns: int = 0, lang: str | None = None) -> str:
    """``✘ k03  Backward  failing (1/3)``; the check count only once checks have run."""
    line = f"  {MARK[kata.status]} {kata.id}  {pad(kata.title, title_columns)}  {status_word(kata.status, lang)}"
    if kata.checks:
        passed = sum(c.status == outcomes.PASSED for c in kata.checks)
        line += f" ({passed}/{len(kata.checks)})"
    return line


def kata_lines(kata: outcomes.KataResult, title_columns: int = 0, lang: str | None = None) -> list[str]:
    """:func:`kata_line`, then what made the kata's status, when something other than its checks
    did (its checks were changed, or could not run; its code reached for the machinery)."""
    lines = [kata_line(kata, title_columns, lang)]
    lines += [f"      {line}" for line in kata.forced_message.splitlines()]
    return lines + [f"      {line}" for line in flag_lines(kata, lang)]


def flag_lines(kata: outcomes.KataResult, lang: str | None = None) -> list[str]:
    """Why a kata is marked for review, one line per place its code reached for the machinery."""
    if not kata.flags:
        return []
    lines = [t("flags_title", lang, verdict=status_word(kata.verdict, lang))]
    for flag in kata.flags:
        lines.append(t("flag_line", lang, where=flag_where(flag, lang), what=flag.what, why=flag.why))
        lines += [f"    {flag.code}"] if flag.code else []
    return lines


def flag_where(flag: outcomes.Flag, lang: str | None = None) -> str:
    """``k03_backward.py, line 4``; the file alone for what the learner's process saw done at run
    time, which no line of the file says."""
    return t("flag_where", lang, file=flag.file, line=flag.line) if flag.line else flag.file


def next_unfinished(katas: list[outcomes.KataResult]) -> outcomes.KataResult | None:
    return next((k for k in katas if k.status != outcomes.PASSED), None)


def progress_lines(katas: list[outcomes.KataResult], files: Mapping[str, str] | None = None,
                   lang: str | None = None) -> list[str]:
    """The progress view of ``katas`` (in course order); ``files`` maps a kata id to the path of
    the learner's file, shown for the next unfinished kata."""
    done = sum(k.status == outcomes.PASSED for k in katas)
    lines = [t("summary_title", lang, bar=bar(done, len(katas)), done=done, total=len(katas))]
    columns = max(width(k.title) for k in katas)
    for kata in katas:
        lines += kata_lines(kata, columns, lang)
    upcoming = next_unfinished(katas)
    if upcoming is not None and files and upcoming.id in files:
        lines.append(t("summary_next", lang, kata=upcoming.id, title=upcoming.title, path=files[upcoming.id]))
    return lines
