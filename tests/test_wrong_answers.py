"""The corpora the checks are held to: every kata has plausible wrong answers in
tests/corpus/<kata>/ (and right answers in other styles in tests/right/<kata>/).

Whether every wrong answer is rejected, every right answer and every reference solution
accepted, is checked by `autograd-kata dev check` (run by .ci/run), as the grader checks a
submission; tests/test_dev_tools.py tests that command."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE

CORPUS = Path(__file__).with_name("corpus")


@pytest.mark.parametrize("kata_id", [k.id for k in COURSE.katas])
def test_every_kata_has_at_least_three_wrong_answers(kata_id: str) -> None:
    assert len(list((CORPUS / kata_id).glob("*.py"))) >= 3
