"""Reports written at the end of a run: the kata JSON report and Gradescope's results.json."""
from __future__ import annotations

import json
from pathlib import Path

from ..course import outcomes
from ..course.i18n import t
from ..course.summary import flag_lines

REPORT_VERSION = 1


def kata_report(katas: list[outcomes.KataResult], target: str) -> dict:
    return {
        "version": REPORT_VERSION,
        "target": target,
        "score": sum(k.score for k in katas),
        "max_score": sum(k.points for k in katas),
        "katas": [k.to_json() for k in katas],
    }


def gradescope_results(katas: list[outcomes.KataResult]) -> dict:
    """Gradescope's results.json: one test per kata, visible to the learner."""
    tests = []
    for k in katas:
        failing = [c for c in k.checks if c.status != outcomes.PASSED]
        output = k.forced_message or "\n\n".join(f"{c.name}: {c.status}\n{c.message}" for c in failing)
        output = "\n\n".join(filter(None, [output or t("report_all_passed"), "\n".join(flag_lines(k))]))
        tests.append({
            "name": f"{k.id} {k.title}",
            "score": k.score,
            "max_score": k.points,
            # what the checks said; a flag is for the teacher, and the output says it
            "status": "passed" if k.verdict == outcomes.PASSED else "failed",
            "output": output,
            "visibility": "visible",
        })
    return {"score": sum(k.score for k in katas), "max_score": sum(k.points for k in katas),
            "tests": tests}


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def write_all(katas: list[outcomes.KataResult], kata_settings) -> None:
    if kata_settings.report:
        write_json(kata_settings.report, kata_report(katas, str(kata_settings.target)))
    if kata_settings.gradescope:
        write_json(kata_settings.gradescope, gradescope_results(katas))
