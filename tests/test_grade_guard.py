"""The guard names what code under check replaced, and nothing else."""
from __future__ import annotations

import pytest
import torch

from pytest_autograd_kata import assertions, guard


def _check(x):
    return x


def test_nothing_changed_nothing_named() -> None:
    assert guard.take([], [_check]).changes() == []


@pytest.mark.parametrize("patch", ["torch.equal", "torch.testing.assert_close", "Tensor.__eq__",
                                   "assert_tensor_close", "check code"])
def test_a_replaced_verdict_maker_is_named(monkeypatch: pytest.MonkeyPatch, patch: str) -> None:
    snapshot = guard.take([], [_check])
    target, name, label = {
        "torch.equal": (torch, "equal", "torch.equal"),
        "torch.testing.assert_close": (torch.testing, "assert_close", "torch.testing.assert_close"),
        "Tensor.__eq__": (torch.Tensor, "__eq__", "torch.Tensor.__eq__"),
        "assert_tensor_close": (assertions, "assert_tensor_close", "pytest_autograd_kata.assertions.assert_tensor_close"),
        "check code": (_check, "__code__", f"{__name__}._check.__code__"),
    }[patch]
    monkeypatch.setattr(target, name, (lambda *a, **k: True) if patch != "check code" else (lambda x: None).__code__)
    assert label in snapshot.changes()


def test_describe_lists_a_few_and_counts_the_rest() -> None:
    assert guard.describe(["a", "b"]) == "a, b"
    assert guard.describe(["a", "b", "c", "d", "e"]) == "a, b, c (+2)"
