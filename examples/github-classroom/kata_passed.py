"""Exit 0 when kata KATA passed in an ``autograd-kata grade`` report, else print why and exit 1.

GitHub Classroom's command grader gives a step's points when its command exits 0:
``python kata_passed.py OUT_DIR/submissions/katas/report.json k03``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pytest_autograd_kata.course.i18n import resolve_lang, set_language, t
from pytest_autograd_kata.course.outcomes import KataResult
from pytest_autograd_kata.course.summary import flag_lines, status_word


def main(report_path: str, kata_id: str) -> int:
    set_language(resolve_lang())
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    kata = next((k for k in report["katas"] if k["id"] == kata_id), None)
    if kata is None:
        print(t("classroom_no_kata", report=report_path, kata=kata_id))
        return 1
    print(f"{kata['id']} {kata['title']}: {status_word(kata['status'])} ({kata['score']:g}/{kata['points']:g})")
    for message in [kata["message"]] + [c["message"] for c in kata["checks"] if c["status"] != "passed"]:
        if message:
            print(message)
    for line in flag_lines(KataResult.from_json(kata)):  # why a teacher is to review it
        print(line)
    return 0 if kata["status"] == "passed" else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
