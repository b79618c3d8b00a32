"""The reports of one run under pytest: ``--kata-report`` (JSON), ``--kata-gradescope``
(Gradescope's results.json) and the kata id and points on each check in ``--junitxml``."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import COURSE, SOLUTIONS, checks_file
from pytest_autograd_kata.course import i18n, outcomes
from pytest_autograd_kata.plugin import report

CORPUS = Path(__file__).with_name("corpus")
#: one kata right, one wrong: every field of the reports has something to show
RIGHT, WRONG = "k01", "k02"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One in-process run over two katas (pytest.main: pytester's fixture is per test, and
    three tests read the same run); returns the three reports it wrote."""
    root = tmp_path_factory.mktemp("reports")
    target = root / "target"
    target.mkdir()
    shutil.copy(SOLUTIONS / COURSE.get(RIGHT).filename, target)
    wrong = sorted((CORPUS / WRONG).glob("*.py"))[0]
    shutil.copy(wrong, target / COURSE.get(WRONG).filename)
    args = [str(checks_file(RIGHT)), str(checks_file(WRONG)), f"--kata-target={target}", "-p", "no:cacheprovider",
            f"--kata-report={root / 'report.json'}", f"--kata-gradescope={root / 'results.json'}",
            f"--junitxml={root / 'junit.xml'}", "-q", "--kata-lang=en"]
    assert pytest.main(args) == pytest.ExitCode.TESTS_FAILED
    return {"target": target, "report": json.loads((root / "report.json").read_text(encoding="utf-8")),
            "results": json.loads((root / "results.json").read_text(encoding="utf-8")),
            "junit": ET.parse(root / "junit.xml")}


def test_kata_report_has_scores_katas_and_checks(reports: dict) -> None:
    data = reports["report"]
    assert data["version"] == report.REPORT_VERSION
    assert data["target"] == str(reports["target"].resolve())
    assert (data["score"], data["max_score"]) == (COURSE.get(RIGHT).points, COURSE.get(RIGHT).points + COURSE.get(WRONG).points)
    right, wrong = data["katas"]
    assert (right["id"], right["status"], right["score"]) == (RIGHT, "passed", COURSE.get(RIGHT).points)
    assert right["title"] == COURSE.get(RIGHT).title["en"]
    assert (wrong["id"], wrong["status"], wrong["score"]) == (WRONG, "failed", 0)
    assert {"name", "status", "message"} <= set(wrong["checks"][0])
    failing = [c for c in wrong["checks"] if c["status"] == "failed"]
    assert failing and all(c["message"] for c in failing)
    assert all(c["status"] == "passed" and not c["message"] for c in right["checks"])


def test_gradescope_results_follow_its_format(reports: dict) -> None:
    data = reports["results"]
    assert (data["score"], data["max_score"]) == (reports["report"]["score"], reports["report"]["max_score"])
    right, wrong = data["tests"]
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["visibility"] == "visible"
    assert right["name"].startswith(RIGHT) and right["status"] == "passed" and right["score"] == right["max_score"]
    assert right["output"] == i18n.t("report_all_passed", "en")
    assert wrong["status"] == "failed" and wrong["score"] == 0
    first_failure = next(c for c in reports["report"]["katas"][1]["checks"] if c["status"] == "failed")
    assert first_failure["message"] in wrong["output"]


def test_junit_xml_carries_kata_and_points_on_every_check(reports: dict) -> None:
    cases = reports["junit"].getroot().iter("testcase")
    seen = set()
    for case in cases:
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        kata = properties["kata"]
        assert properties["points"] == f"{COURSE.get(kata).points:g}"
        assert kata in case.get("classname")  # the check module of that kata
        seen.add(kata)
    assert seen == {RIGHT, WRONG}


def _kata(status: str, message: str = "", forced: str = "") -> outcomes.KataResult:
    result = outcomes.KataResult("k09", "Backward twice", 2.0, [outcomes.CheckResult("k09", "test_a", status, message)])
    result.forced_status, result.forced_message = forced, message if forced else ""
    return result


def test_a_kata_the_grader_stopped_reports_why_and_scores_zero() -> None:
    stopped = _kata("passed", "ran longer than 5 s", forced=outcomes.TIMEOUT)
    data = report.kata_report([stopped], "alice")
    assert (data["score"], data["max_score"]) == (0, 2.0)
    assert data["katas"][0]["status"] == "timeout" and data["katas"][0]["message"] == "ran longer than 5 s"
    test = report.gradescope_results([stopped])["tests"][0]
    assert (test["status"], test["score"], test["output"]) == ("failed", 0, "ran longer than 5 s")


def test_gradescope_output_lists_each_failing_check_with_its_message() -> None:
    test = report.gradescope_results([_kata("failed", "x.grad is not what it should be.")])["tests"][0]
    assert test["output"] == "test_a: failed\nx.grad is not what it should be."


def test_gradescope_output_speaks_the_run_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_current", "zh")
    assert report.gradescope_results([_kata("passed")])["tests"][0]["output"] == "所有检查都已通过"
