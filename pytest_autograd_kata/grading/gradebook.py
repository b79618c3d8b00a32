"""The files a graded class leaves in OUT_DIR:

- ``gradebook.csv``: one row per submission, one column per kata, the total, the status and
  the sandbox the learner's code ran in;
- ``submissions/<folder name>/report.json`` and ``results.json`` (Gradescope's format), in a
  folder of their own so no submission's name collides with the class's files.

Nothing here depends on timing, the order jobs finished in, or where the submissions were:
grading the same folders twice writes the same bytes.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..plugin import report
from .grade import ClassResult, SubmissionResult

GRADEBOOK = "gradebook.csv"
SUBMISSIONS = "submissions"
#: a cell a spreadsheet would read as a formula starts with one of these; OWASP's advice
#: (CSV injection) is to make it text with a leading single quote
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def points(value: float) -> str:
    return f"{value:g}"


def cell(text: str) -> str:
    """``text`` as a spreadsheet shows it, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gradebook_csv(graded: ClassResult) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    rows = [["submission", *(k.id for k in graded.katas), "total", "max_total", "status", "sandbox"]]
    for sub in sorted(graded.submissions, key=lambda s: s.name):
        rows.append([sub.name, *(points(k.score) for k in sub.katas), points(sub.score),
                     points(sub.max_score), sub.status, graded.sandbox])
    writer.writerows([[cell(value) for value in row] for row in rows])
    return text.getvalue()


def submission_report(sub: SubmissionResult, sandbox: str) -> dict:
    return {**report.kata_report(sub.katas, sub.name), "status": sub.status, "sandbox": sandbox}


def submission_results(sub: SubmissionResult, sandbox: str) -> dict:
    """Gradescope's results.json; ``extra_data`` is Gradescope's place for metadata."""
    return {**report.gradescope_results(sub.katas), "extra_data": {"status": sub.status, "sandbox": sandbox}}


def report_folder(out: Path, name: str) -> Path:
    return out / SUBMISSIONS / name


def write(graded: ClassResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for sub in graded.submissions:
        folder = report_folder(out, sub.name)
        report.write_json(folder / "report.json", submission_report(sub, graded.sandbox))
        report.write_json(folder / "results.json", submission_results(sub, graded.sandbox))
    path = out / GRADEBOOK
    path.write_text(gradebook_csv(graded), encoding="utf-8")
    return path
