"""The files a graded class leaves in OUT_DIR: ``gradebook.csv`` (one row per submission,
one column per kata), and per submission ``<folder name>/report.json`` and
``<folder name>/results.json`` (Gradescope). Nothing here depends on timing or the order
jobs finished in, so grading the same folders twice writes the same bytes."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import report
from .grade import ClassResult

GRADEBOOK = "gradebook.csv"


def points(value: float) -> str:
    return f"{value:g}"


def gradebook_csv(graded: ClassResult) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["submission", *(k.id for k in graded.katas), "total", "max_total", "status"])
    for sub in sorted(graded.submissions, key=lambda s: s.name):
        writer.writerow([sub.name, *(points(k.score) for k in sub.katas), points(sub.score),
                         points(sub.max_score), sub.status])
    return text.getvalue()


def write(graded: ClassResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for sub in graded.submissions:
        report.write_json(out / sub.name / "report.json", report.kata_report(sub.katas, str(sub.path)))
        report.write_json(out / sub.name / "results.json", report.gradescope_results(sub.katas))
    path = out / GRADEBOOK
    path.write_text(gradebook_csv(graded), encoding="utf-8")
    return path
