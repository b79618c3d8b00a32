"""The course as shipped: stubs made from the solutions, every stub reported as not started."""
from __future__ import annotations

import json

import pytest

from conftest import COURSE, KATAS, SOLUTIONS, checks_file
from pytest_autograd_kata.course.stubs import stub_for


@pytest.mark.parametrize("kata", COURSE.katas, ids=lambda k: k.id)
def test_stub_is_what_dev_stubs_makes_from_the_solution(kata) -> None:
    stub = (KATAS / kata.filename).read_text(encoding="utf-8")
    assert stub == stub_for(kata, SOLUTIONS), f"run `autograd-kata dev stubs` to regenerate {kata.filename}"


@pytest.mark.parametrize("kata", COURSE.katas, ids=lambda k: k.id)
def test_stub_states_the_kata_in_both_languages(kata) -> None:
    stub = (KATAS / kata.filename).read_text(encoding="utf-8")
    assert kata.statement["en"].strip() in stub
    assert kata.statement["zh"].strip() in stub


def test_every_untouched_stub_is_reported_not_started(pytester: pytest.Pytester) -> None:
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess(str(KATAS), f"--kata-target={KATAS}", f"--kata-report={report}",
                                          "-p", "no:cacheprovider")
    katas = json.loads(report.read_text(encoding="utf-8"))["katas"]
    assert [k["id"] for k in katas] == [k.id for k in COURSE.katas]
    assert {k["status"] for k in katas} == {"not_started"}
    assert {c["status"] for k in katas for c in k["checks"]} == {"not_started"}
    assert result.ret != 0  # nothing done yet: the run is not a success
    result.stdout.fnmatch_lines(["*0/12 done*"])


@pytest.mark.parametrize("kata", COURSE.katas, ids=lambda k: k.id)
def test_every_kata_has_its_checks(kata) -> None:
    source = checks_file(kata.id).read_text(encoding="utf-8")
    assert f'pytestmark = pytest.mark.kata("{kata.id}")' in source
