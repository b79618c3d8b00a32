"""What the learner's code replaced in torch, NumPy and math is told once (runner.integrity), the
functions a check asks for stay the snapshot's, and a change torch makes to its own functions
(it wraps torch.manual_seed on its first call) is neither told nor looked for again at every
reply."""
from __future__ import annotations

import pytest
import torch

from pytest_autograd_kata.runner import integrity


@pytest.fixture
def snapshot(monkeypatch: pytest.MonkeyPatch):
    """A snapshot of this process's torch, put back as it was afterwards."""
    monkeypatch.setattr(integrity, "_taken", {})
    monkeypatch.setattr(integrity, "_last_seen", {})
    integrity.take()
    return monkeypatch


def torch_own_wrapper(function):
    def wrapped(*args, **kwargs):
        return function(*args, **kwargs)
    wrapped.__module__ = "torch.random"  # as torch's own decorators leave it
    return wrapped


def test_a_function_replaced_by_learner_code_is_told_once_and_checks_keep_the_original(snapshot) -> None:
    original = torch.autograd.grad
    snapshot.setattr(torch.autograd, "grad", lambda *args, **kwargs: (torch.zeros(1),))
    assert integrity.replaced() == ["torch.autograd.grad"]
    assert integrity.replaced() == []  # told already, and still the same
    assert integrity.function("torch.autograd.grad") is original
    snapshot.setattr(torch.autograd, "grad", lambda *args, **kwargs: None)  # replaced again
    assert integrity.replaced() == ["torch.autograd.grad"]


def test_torch_wrapping_its_own_function_is_not_told_and_a_later_replacement_is(snapshot) -> None:
    original = torch.manual_seed
    snapshot.setattr(torch, "manual_seed", torch_own_wrapper(original))
    assert integrity.replaced() == []
    assert integrity.replaced() == []
    assert integrity.function("torch.manual_seed") is original
    snapshot.setattr(torch, "manual_seed", lambda seed: None)  # the learner's, over torch's wrapper
    assert integrity.replaced() == ["torch.manual_seed"]


def test_a_name_added_to_a_tensor_class_is_told(snapshot) -> None:
    snapshot.setattr(torch.Tensor, "looks_like_a_gradient", lambda self: self, raising=False)
    assert integrity.replaced() == ["torch.Tensor.looks_like_a_gradient"]
    assert integrity.replaced() == []


class EqualsAnything:
    """An object of the learner's that says it equals whatever it is compared with."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__

    def __call__(self, *args, **kwargs):
        return (torch.zeros(1),)


def test_a_replacement_that_says_it_equals_the_original_is_told_and_again_after_torch_wrapped_one(snapshot) -> None:
    snapshot.setattr(torch.autograd, "grad", EqualsAnything())
    assert integrity.replaced() == ["torch.autograd.grad"]
    snapshot.setattr(torch, "manual_seed", torch_own_wrapper(torch.manual_seed))
    assert integrity.replaced() == []  # the look after a change compares by identity too
    snapshot.setattr(torch, "manual_seed", EqualsAnything())
    assert integrity.replaced() == ["torch.manual_seed"]
