"""The per-kata progress lines printed at the end of a run (and by the board)."""
from __future__ import annotations

from . import outcomes
from .i18n import t

WORD = {outcomes.PASSED: "status_done", outcomes.FAILED: "status_failing",
        outcomes.NOT_STARTED: "status_not_started", outcomes.ERROR: "status_error",
        outcomes.TIMEOUT: "status_timeout"}
MARK = {outcomes.PASSED: "✔", outcomes.FAILED: "✘", outcomes.NOT_STARTED: "·",
        outcomes.ERROR: "!", outcomes.TIMEOUT: "⏱"}


def status_word(status: str, lang: str | None = None) -> str:
    return t(WORD[status], lang)


def progress_lines(katas: list[outcomes.KataResult], kata_settings=None, lang: str | None = None) -> list[str]:
    done = sum(k.status == outcomes.PASSED for k in katas)
    lines = [t("summary_title", lang, done=done, total=len(katas))]
    width = max(len(k.title) for k in katas)
    for k in katas:
        passed = sum(c.status == outcomes.PASSED for c in k.checks)
        lines.append(f"  {MARK[k.status]} {k.id}  {k.title:<{width}}  "
                     f"{status_word(k.status, lang)} ({passed}/{len(k.checks)})")
    return lines
