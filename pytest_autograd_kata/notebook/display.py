"""How a kata's result looks in a notebook.

Rich output: HTML with the kata's status, every check with its mark, and the failures as the
terminal shows them (the wrong quantity, the failing example, obtained vs expected), with the
terminal's own text (:func:`..course.feedback.result_lines`) as the plain-text fallback; then each
PNG the learner's code saved during the checks (k12's plot).
"""
from __future__ import annotations

from html import escape

from ..course import outcomes
from ..course import feedback
from ..course.data import Kata
from ..course.i18n import t
from ..course.inert import inert
from ..course.state import State
from ..course.summary import MARK, flag_lines, kata_line

NOTEBOOK = feedback.Commands(nudge="notebook_nudge", printed="notebook_printed",
                             more_failures="notebook_more_failures")
COLOR = {outcomes.PASSED: "#1a7f37", outcomes.FAILED: "#cf222e", outcomes.NOT_STARTED: "#6e7781",
         outcomes.ERROR: "#bc4c00", outcomes.TIMEOUT: "#bc4c00", outcomes.REVIEW: "#9a6700"}
PRE = "margin:2px 0 6px 1.6em;padding:4px 8px;background:rgba(127,127,127,.08);white-space:pre-wrap"


def show(*bundles: dict) -> None:
    """Each bundle ({MIME type: data}) as one output of the cell."""
    from IPython.display import display

    for bundle in bundles:
        display(bundle, raw=True)


def text(lines: list[str]) -> dict:
    """``lines`` as plain text, inert: they may quote the notebook's cells (its code, a magic
    left out), and a notebook obeys the escape sequences in plain text (colours) as a terminal does."""
    return {"text/plain": inert("\n".join(lines))}


def result_bundles(kata: Kata, result: outcomes.KataResult, state: State, verbose: bool = False) -> list[dict]:
    """The kata's result, then its figures."""
    plain = "\n".join(feedback.result_lines(kata, result, state, verbose, NOTEBOOK))
    bundles = [{"text/plain": plain, "text/html": _html(kata, result, state, verbose)}]
    for name, png in sorted(result.figures.items()):
        bundles.append({"image/png": png, "text/plain": t("notebook_figure", name=name)})
    return bundles


def _html(kata: Kata, result: outcomes.KataResult, state: State, verbose: bool) -> str:
    color = COLOR[result.status]
    parts = [f'<div style="font-weight:bold;color:{color}">{escape(kata_line(result).strip())}</div>']
    if result.forced_message:
        parts.append(f'<pre style="{PRE}">{escape(result.forced_message)}</pre>')
    if result.flags:
        parts.append(f'<pre style="{PRE}">{escape(chr(10).join(flag_lines(result)))}</pre>')
    detailed = result.checks if verbose else feedback.distinct_failures(result)[:feedback.SHOWN]
    items = []
    for check in result.checks:
        item = (f'<span style="color:{COLOR[check.status]}">{MARK[check.status]}</span> '
                f"<code>{escape(check.name)}</code>")
        if any(check is shown for shown in detailed):
            if check.status != outcomes.PASSED:
                item += f'<pre style="{PRE}">{escape(feedback.shown_message(check))}</pre>'
            if check.output and (verbose or check.status != outcomes.TIMEOUT):
                item += (f'<pre style="{PRE}">{escape(t("run_output_header"))}\n{escape(check.output)}</pre>'
                         if verbose else f"<div>{escape(t(NOTEBOOK.printed, kata=kata.id))}</div>")
        items.append(f"<li>{item}</li>")
    if items:
        parts.append('<ul style="list-style:none;padding-left:.6em;margin:4px 0">' + "".join(items) + "</ul>")
    hidden = len(feedback.distinct_failures(result)) - feedback.SHOWN
    if not verbose and hidden > 0 and result.status != outcomes.PASSED:
        parts.append(f"<div>{escape(t(NOTEBOOK.more_failures, count=hidden, kata=kata.id).strip())}</div>")
    if result.status != outcomes.PASSED:
        parts += [f"<div>{escape(line)}</div>" for line in feedback.nudge_lines(kata, result, state, NOTEBOOK)]
    return '<div class="autograd-kata">' + "".join(parts) + "</div>"
