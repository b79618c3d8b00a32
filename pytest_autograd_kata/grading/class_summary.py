"""The class summary: per kata the pass rate, the count of each status and the most common
failure messages, as a text table and, with matplotlib (extra ``plot``), a bar chart."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..course import outcomes
from ..course.i18n import t
from ..course.summary import flag_where
from .grade import REVIEW, ClassResult, SubmissionResult
from .isolation import describe

SUMMARY_TEXT, SUMMARY_CHART = "summary.txt", "summary.png"
#: failure messages listed per kata
COMMON = 3
#: a failure message is its first line, cut to this length
MESSAGE_WIDTH = 100
COLUMNS = (outcomes.FAILED, outcomes.NOT_STARTED, outcomes.ERROR, outcomes.TIMEOUT, REVIEW)


@dataclass
class KataSummary:
    id: str
    title: str
    counts: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float:
        return self.counts[outcomes.PASSED] / self.total if self.total else 0.0

    def common_failures(self) -> list[tuple[str, int]]:
        """Most frequent first; ties in alphabetical order, so the summary is repeatable."""
        return sorted(self.failures.items(), key=lambda item: (-item[1], item[0]))[:COMMON]


def _failure_lines(kata: outcomes.KataResult) -> set[str]:
    """The first line of each distinct failure of one submission's kata (not started is no failure)."""
    if kata.forced_message:
        messages = [kata.forced_message]
    else:
        messages = [c.message for c in kata.checks if c.status not in (outcomes.PASSED, outcomes.NOT_STARTED)]
    return {m.strip().splitlines()[0][:MESSAGE_WIDTH] for m in messages if m.strip()}


def summarize(graded: ClassResult, lang: str) -> list[KataSummary]:
    summaries = [KataSummary(k.id, k.text("title", lang)) for k in graded.katas]
    for sub in graded.submissions:
        for summary, kata in zip(summaries, sub.katas):
            summary.counts[kata.status] += 1
            summary.failures.update(_failure_lines(kata))
    return summaries


def table(summaries: list[KataSummary], graded: ClassResult) -> str:
    header = t("grade_summary_header").split("|")
    rows = [[s.id, s.title, f"{s.counts[outcomes.PASSED]}/{s.total}", f"{s.rate:.0%}",
             *(str(s.counts[c]) for c in COLUMNS)] for s in summaries]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [t("grade_summary_title", count=len(graded.submissions)),
             t("grade_summary_sandbox", level=graded.sandbox, what=describe(graded.sandbox)), ""]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    failing = [s for s in summaries if s.failures]
    if failing:
        lines += ["", t("grade_common_failures")]
        for s in failing:
            lines += [f"  {s.id}"] + [f"    {n}× {message}" for message, n in s.common_failures()]
    review = sorted((sub for sub in graded.submissions if sub.status == REVIEW), key=lambda sub: sub.name)
    if review:
        lines += ["", t("grade_summary_review")]
        lines += [f"  {sub.name}  {why}" for sub in review for why in review_reasons(sub)]
    return "\n".join(lines) + "\n"


def review_reasons(submission: SubmissionResult) -> list[str]:
    """Why each of a submission's katas is to be reviewed, a line each: where its code reached for
    the machinery, or why it could not be graded for sure."""
    reasons = []
    for kata in submission.katas:
        if kata.status != REVIEW:
            continue
        reasons += [t("grade_review_flag", kata=kata.id, where=flag_where(f), what=f.what, why=f.why)
                    for f in kata.flags]
        if kata.forced_message:
            reasons.append(t("grade_review_unsure", kata=kata.id, why=kata.forced_message.splitlines()[0]))
    return reasons


def import_chart_library_meanwhile() -> None:
    """Begin importing matplotlib in a thread of its own, for the chart drawn once every kata is
    graded. The grader mostly waits on its workers, and a core is idle while its zygote imports
    torch: the import (0.6 to 0.9 s of CPU) is then done by the time the chart is drawn, instead of
    after the last kata, where a per-submission platform's run waits for it. :func:`write_chart`
    imports it as before: Python's lock on a module being imported makes it wait for this import,
    and where this one failed, it fails the same way itself. The grade command begins it once the
    zygote is started (grade's ``on_started``): begun earlier, it held back that start."""
    threading.Thread(target=_import_chart_library, name="chart-library").start()


def _import_chart_library() -> None:
    try:
        _pyplot()
    except Exception:  # one that cannot start: write_chart finds it so and says so
        pass


def _pyplot():
    """matplotlib's pyplot, on the backend that needs no display (a grading server has none);
    None where matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def write_chart(summaries: list[KataSummary], path: Path) -> bool:
    """A bar chart of the pass rate per kata; False when matplotlib is not installed."""
    pyplot = _pyplot()
    if pyplot is None:
        return False
    figure, axes = pyplot.subplots(figsize=(max(4.0, 0.6 * len(summaries) + 1), 3))
    axes.bar([s.id for s in summaries], [100 * s.rate for s in summaries], color="#4c72b0")
    axes.set_ylim(0, 100)
    axes.set_ylabel("%")  # no words: the default fonts have no Chinese glyphs, and summary.txt explains it
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})  # no version stamp: same input, same file
    pyplot.close(figure)
    return True
