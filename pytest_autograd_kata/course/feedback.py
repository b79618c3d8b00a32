"""What a learner reads about one checked kata: its status line and, when it is not done, the
checks that failed (the wrong quantity, the failing example, obtained vs expected, a nudge)
and where to find a hint. Used by ``run`` and ``watch``; ``verbose`` (``run -v``) shows every
check, each failure in full, and what the learner's code printed in each."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import outcomes
from .data import Kata
from .i18n import current_language, t
from .state import State
from .summary import MARK, kata_lines

#: failing checks shown in full; the rest are counted (one check often fails on every device)
SHOWN = 2
#: Hypothesis lists the `kata` fixture in the falsifying example; the learner knows their file
KATA_ARGUMENT = re.compile(r"^\s*kata=<kata [^>]*>,\n", re.MULTILINE)
INDENT = "      "
#: lines of what the learner's code printed in a check that ``-v`` shows (the start of it)
PRINTED_LINES = 40


@dataclass(frozen=True)
class Commands:
    """The messages that name what to type next: the terminal's commands, or a notebook's magics."""

    nudge: str = "run_nudge"
    printed: str = "run_printed"
    more_failures: str = "run_more_failures"


TERMINAL = Commands()


def distinct_failures(result: outcomes.KataResult) -> list[outcomes.CheckResult]:
    """The checks that did not pass, one for each distinct failure: one failure often repeats
    (on each device, in each check of a stub), and is shown once."""
    first_of_each: dict[str, outcomes.CheckResult] = {}
    for check in result.checks:
        if check.status != outcomes.PASSED:
            first_of_each.setdefault(_first_line(check.message), check)
    return list(first_of_each.values())


def shown_message(check: outcomes.CheckResult) -> str:
    """A failed check's message as a learner reads it: a stub's only by its first line, and
    without the `kata` fixture Hypothesis lists in the falsifying example."""
    message = _first_line(check.message) if check.status == outcomes.NOT_STARTED else check.message
    return KATA_ARGUMENT.sub("", message)


def result_lines(kata: Kata, result: outcomes.KataResult, state: State, verbose: bool = False,
                 commands: Commands = TERMINAL) -> list[str]:
    """The status line, then for a kata not done: what failed, and the way to a hint."""
    lines = kata_lines(result)
    if verbose:
        return lines + _every_check(result) + ([] if result.status == outcomes.PASSED
                                               else nudge_lines(kata, result, state, commands))
    if result.status == outcomes.PASSED:
        return lines
    distinct = distinct_failures(result)
    for check in distinct[:SHOWN]:
        lines.append(f"    ✘ {check.name}")
        lines += _indented(shown_message(check))
        if check.output and check.status != outcomes.TIMEOUT:  # a timeout's message counts the lines
            lines.append(INDENT + t(commands.printed, kata=kata.id))
    if len(distinct) > SHOWN:
        lines.append(t(commands.more_failures, count=len(distinct) - SHOWN, kata=kata.id))
    return lines + nudge_lines(kata, result, state, commands)


def _every_check(result: outcomes.KataResult) -> list[str]:
    lines = []
    for check in result.checks:
        lines.append(f"    {MARK[check.status]} {check.name}")
        if check.status != outcomes.PASSED:
            lines += _indented(KATA_ARGUMENT.sub("", check.message))
        if check.output:
            printed = check.output.rstrip("\n").splitlines()
            lines.append(INDENT + t("run_output_header"))
            lines += [f"{INDENT}│ {line}" for line in printed[:PRINTED_LINES]]
            if len(printed) > PRINTED_LINES:
                lines.append(f"{INDENT}│ …")
    return lines


def nudge_lines(kata: Kata, result: outcomes.KataResult, state: State, commands: Commands = TERMINAL) -> list[str]:
    """The way to the next hint (none when the kata's checks could not run as the course's)."""
    if result.forced_message:  # its checks were changed or could not run: no hint helps with that
        return []
    total = len(kata.text("hints", current_language()))
    return [t(commands.nudge, kata=kata.id, seen=state.hints_seen(kata.id), total=total)]


def _indented(text: str) -> list[str]:
    return [f"{INDENT}{line}" for line in text.rstrip("\n").splitlines()]


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0]
