"""The GitHub Classroom example: the workflow has one step per kata worth the kata's points,
grades with the teacher's checks, and its step command passes exactly when the kata passed."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import COURSE, REPO
from pytest_autograd_kata.course import outcomes
from pytest_autograd_kata.plugin import report

EXAMPLE = REPO / "examples" / "github-classroom"
yaml = pytest.importorskip("yaml")


def test_workflow_has_a_step_per_kata_worth_its_points() -> None:
    workflow = yaml.safe_load((EXAMPLE / "classroom.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    graders = {s["id"]: s["with"] for s in steps if s.get("uses", "").startswith("education/autograding-command")}
    assert {kata_id: g["max-score"] for kata_id, g in graders.items()} == {k.id: k.points for k in COURSE.katas}
    grade = next(s["run"] for s in steps if s.get("name") == "Grade")
    assert "--course .teacher/katas" in grade  # the checks never come from the learner's repository
    reporter = next(s for s in steps if s.get("uses", "").startswith("education/autograding-grading-reporter"))
    assert reporter["with"]["runners"].split(",") == [k.id for k in COURSE.katas]


@pytest.fixture
def kata_passed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.setenv("KATA_LANG", "en")
    import kata_passed

    yield kata_passed.main
    sys.modules.pop("kata_passed", None)


def test_step_command_passes_only_when_its_kata_passed(kata_passed, tmp_path: Path, capsys) -> None:
    katas = [outcomes.KataResult("k01", "Where gradients live", 1.0, [outcomes.CheckResult("k01", "t", "passed")]),
             outcomes.KataResult("k02", "Build y", 1.0, [outcomes.CheckResult("k02", "t", "failed", "y is None")]),
             outcomes.KataResult("k03", "Backward", 1.0, forced_status="review", forced_message="could not be graded"),
             outcomes.KataResult("k04", "Zero", 1.0, [outcomes.CheckResult("k04", "t", "passed")],
                                 flags=[outcomes.Flag("k04_zero_grad.py", 3, "sys._getframe", "frames and the stack")])]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report.kata_report(katas, "katas")), encoding="utf-8")
    assert kata_passed(str(path), "k01") == 0
    assert kata_passed(str(path), "k02") == 1
    assert "y is None" in capsys.readouterr().out  # the learner sees why in the Actions log
    assert kata_passed(str(path), "k03") == 1
    assert "k03 Backward: to review (0/1)\ncould not be graded" in capsys.readouterr().out
    assert kata_passed(str(path), "k04") == 1  # scored, and not passed until a teacher has looked
    assert "k04_zero_grad.py, line 3: sys._getframe (frames and the stack)" in capsys.readouterr().out
    assert kata_passed(str(path), "k99") == 1


def test_the_workflow_reads_the_report_where_the_grader_writes_it() -> None:
    workflow = (EXAMPLE / "classroom.yml").read_text(encoding="utf-8")
    grade = next(line for line in workflow.splitlines() if "autograd-kata grade katas" in line)
    out = grade.split('--out "')[1].split('"')[0]
    assert workflow.count(f"{out}/submissions/katas/report.json") == len(COURSE.katas)
