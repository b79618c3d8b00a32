"""The checks are right: every plausible wrong answer in tests/corpus/<kata>/ fails its kata,
every correct answer written in another style (tests/right/<kata>/) and every reference
solution passes."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE, SOLUTIONS

CORPUS = Path(__file__).with_name("corpus")
WRONG = sorted(CORPUS.glob("k*/*.py"))
RIGHT = sorted(Path(__file__).with_name("right").glob("k*/*.py"))


@pytest.mark.parametrize("wrong", WRONG, ids=[f"{p.parent.name}/{p.stem}" for p in WRONG])
def test_wrong_answer_fails_its_kata(run_kata, wrong: Path) -> None:
    result = run_kata(wrong.parent.name, wrong)
    assert result["status"] in ("failed", "error"), (wrong.read_text().splitlines()[0], result)
    assert result["score"] == 0
    assert any(c["message"] for c in result["checks"] if c["status"] != "passed")


@pytest.mark.parametrize("kata_id", [k.id for k in COURSE.katas])
def test_every_kata_has_at_least_three_wrong_answers(kata_id: str) -> None:
    assert len(list((CORPUS / kata_id).glob("*.py"))) >= 3


@pytest.mark.parametrize("kata_id", [k.id for k in COURSE.katas])
def test_reference_solution_passes(run_kata, kata_id: str) -> None:
    result = run_kata(kata_id, SOLUTIONS / COURSE.get(kata_id).filename)
    assert result["status"] == "passed", result


@pytest.mark.parametrize("right", RIGHT, ids=[f"{p.parent.name}/{p.stem}" for p in RIGHT])
def test_correct_answer_in_another_style_passes(run_kata, right: Path) -> None:
    result = run_kata(right.parent.name, right, solved_others=True)
    assert result["status"] == "passed", (right.read_text().splitlines()[0], result)
