"""What a learner reads about one checked kata: its status line and, when it is not done, the
checks that failed (the wrong quantity, the failing example, obtained vs expected, a nudge)
and where to find a hint. Used by ``run`` and ``watch``."""
from __future__ import annotations

import re

from .. import outcomes
from ..course import Kata
from ..i18n import current_language, t
from ..state import State
from ..summary import kata_line

#: failing checks shown in full; the rest are counted (one check often fails on every device)
SHOWN = 2
#: Hypothesis lists the `kata` fixture in the falsifying example; the learner knows their file
KATA_ARGUMENT = re.compile(r"^\s*kata=<kata [^>]*>,\n", re.MULTILINE)


def result_lines(kata: Kata, result: outcomes.KataResult, state: State) -> list[str]:
    """The status line, then for a kata not done: what failed, and the way to a hint."""
    lines = [kata_line(result)]
    if result.status == outcomes.PASSED:
        return lines
    # One failure often repeats (on each device, in each check of a stub): show it once.
    first_of_each: dict[str, outcomes.CheckResult] = {}
    for check in result.checks:
        if check.status != outcomes.PASSED:
            first_of_each.setdefault(_first_line(check.message), check)
    distinct = list(first_of_each.values())
    for check in distinct[:SHOWN]:
        lines.append(f"    ✘ {check.name}")
        message = _first_line(check.message) if check.status == outcomes.NOT_STARTED else check.message
        lines += [f"      {line}" for line in KATA_ARGUMENT.sub("", message).splitlines()]
    if len(distinct) > SHOWN:
        lines.append(t("run_more_failures", count=len(distinct) - SHOWN, kata=kata.id))
    total = len(kata.text("hints", current_language()))
    return lines + [t("run_nudge", kata=kata.id, seen=state.hints_seen(kata.id), total=total)]


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0]
