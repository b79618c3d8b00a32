"""What the learner's code replaced in torch, NumPy and math is told once (runner.integrity), the
functions a check asks for stay the snapshot's, and a change torch makes to its own functions
(it wraps torch.manual_seed on its first call) is neither told nor looked for again at every
reply. Each test runs twice: with looks that begin with the tables' dict versions (where this
Python keeps them) and with looks that compare name by name (where it does not)."""
from __future__ import annotations

import sys
import sysconfig

import pytest
import torch

from pytest_autograd_kata.runner import integrity


@pytest.fixture(params=["versions", "name by name"])
def snapshot(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A snapshot of this process's torch, put back as it was afterwards."""
    if request.param == "versions" and not integrity.VERSIONED:
        pytest.skip("this Python's dicts keep no version a look can read")
    monkeypatch.setattr(integrity, "VERSIONED", request.param == "versions")
    for name in ("_taken", "_last_seen", "_version_cells"):
        monkeypatch.setattr(integrity, name, {})
    monkeypatch.setattr(integrity, "_last_versions", None)
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


def test_a_replacement_made_through_the_table_itself_is_told_after_looks_that_found_nothing(snapshot) -> None:
    for _ in range(3):
        assert integrity.replaced() == []
    original = torch.nn.functional.relu
    snapshot.setitem(vars(torch.nn.functional), "relu", lambda x: x)  # no setattr: into the module's dict
    assert integrity.replaced() == ["torch.nn.functional.relu"]
    vars(torch.nn.functional)["relu"] = original
    assert integrity.replaced() == []  # back to the original: nothing more to tell


def test_versions_are_read_on_this_cpython() -> None:
    """CPython 3.11 to 3.13 keep a dict version (PEP 509) that every change renews; a look reads it."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 14) or sysconfig.get_config_var("Py_GIL_DISABLED"):
        pytest.skip("a Python whose dicts may keep no version where integrity reads it")
    assert integrity.VERSIONED
