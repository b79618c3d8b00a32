"""``kata.watch(backward_calls=True)``: where each backward pass the learner's code starts begins,
as the learner's process reads it through torch's own descriptors: a check can then require the
start a statement names (y, not x; one element; y's values) and a learner's object cannot
misstate it."""
from __future__ import annotations

import pytest
import torch

from pytest_autograd_kata import shown_type
from pytest_autograd_kata.runner import facts

LEARNER = """
import torch

def from_the_scalar_y(x):
    (2 * torch.dot(x, x)).backward()

def from_a_one_by_one_y(x):
    (2 * (x.unsqueeze(0) @ x.unsqueeze(1))).backward()

def from_y_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))

def from_the_leaf(x):
    try:
        x.backward()
    except RuntimeError as err:
        return err

def functional_with_no_gradient(x):
    torch.autograd.backward([(x * x).sum()], grad_tensors=[None])

def autograd_grad(x):
    return torch.autograd.grad((x * x).sum(), x)

def from_a_large_root(x):
    (x.sum() * torch.ones(300)).backward(torch.ones(300))

class Liar(torch.Tensor):
    # answers every torch function (descriptor reads included) with what it likes
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        said = str(func)
        if "shape" in said:
            return torch.Size([])
        if "grad_fn" in said:
            return None
        if "tolist" in said:
            return [28.0]
        return super().__torch_function__(func, types, args, kwargs or {})

ELSEWHERE = torch.zeros(4)

class StorageLiar(torch.Tensor):
    # says its memory is another tensor's
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if "untyped_storage" in str(func):
            return ELSEWHERE.untyped_storage()
        return super().__torch_function__(func, types, args, kwargs or {})

def a_tensor_that_claims_memory_elsewhere(x):
    return (x * x).as_subclass(StorageLiar), ELSEWHERE

class ValuesLiar(torch.Tensor):
    # says its values are the ones a check wants: whatever torch function reads them
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if any(word in str(func) for word in ("detach", "numpy", "copy_", "clone", "contiguous")):
            return 2 * ELSEWHERE + 1
        return super().__torch_function__(func, types, args, kwargs or {})

def a_tensor_that_claims_other_values(x):
    return (x * x).as_subclass(ValuesLiar)

def from_a_lying_tensor(x):
    y = (x * x).as_subclass(Liar)
    torch.Tensor.backward(y, torch.ones(4))
"""

X = torch.arange(4.0)


@pytest.fixture(scope="module")
def learner(remote_kata):
    return remote_kata(LEARNER)


def starts(learner, function: str) -> list[dict]:
    leaf = learner.tensor(X, requires_grad=True)
    with learner.watch(backward_calls=True) as seen:
        getattr(learner, function)(leaf)
    return seen.backward_calls


def only_root(calls: list[dict]) -> dict:
    (call,) = calls
    (root,) = call["roots"]
    return root


def test_a_pass_from_the_scalar_y_is_seen_with_its_value(learner) -> None:
    (call,) = starts(learner, "from_the_scalar_y")
    assert call["kind"] == "backward" and not call["gradient"]
    (root,) = call["roots"]
    assert (root["shape"], root["dtype"], root["grad_fn"], root["is_leaf"]) == ([], "float32", "MulBackward0", False)
    assert torch.equal(root["value"], torch.tensor(28.0))


def test_a_one_element_root_of_another_shape_keeps_its_shape(learner) -> None:
    root = only_root(starts(learner, "from_a_one_by_one_y"))
    assert root["shape"] == [1, 1] and torch.equal(root["value"], torch.tensor([[28.0]]))


def test_a_pass_from_y_with_a_gradient_is_told_from_one_from_the_leaf(learner) -> None:
    (with_ones,) = starts(learner, "from_y_with_ones")
    assert with_ones["gradient"] and not with_ones["roots"][0]["is_leaf"]
    assert torch.equal(with_ones["roots"][0]["value"], X * X)
    (from_leaf,) = starts(learner, "from_the_leaf")  # raised, and recorded all the same
    assert not from_leaf["gradient"]
    assert from_leaf["roots"][0]["is_leaf"] and from_leaf["roots"][0]["grad_fn"] is None
    assert torch.equal(from_leaf["roots"][0]["value"], X)


def test_the_functional_forms_and_autograd_grad_are_recorded(learner) -> None:
    (functional,) = starts(learner, "functional_with_no_gradient")
    assert functional["kind"] == "backward" and not functional["gradient"]  # [None] gives no gradient
    assert functional["roots"][0]["grad_fn"] == "SumBackward0"
    (grad,) = starts(learner, "autograd_grad")
    assert grad["kind"] == "grad" and torch.equal(grad["roots"][0]["value"], torch.tensor(14.0))


def test_a_large_root_comes_without_its_values(learner) -> None:
    root = only_root(starts(learner, "from_a_large_root"))
    assert root["shape"] == [300] and root["value"] is None
    assert facts.ROOT_VALUES_KEPT < 300


def test_a_tensor_subclass_cannot_misstate_where_a_pass_starts(learner) -> None:
    root = only_root(starts(learner, "from_a_lying_tensor"))
    assert root["shape"] == [4] and root["grad_fn"] is not None and not root["is_leaf"]
    assert torch.equal(root["value"], X * X)


def test_a_learners_tensor_is_named_as_the_learner_knows_it(learner) -> None:
    returned = learner.autograd_grad(learner.tensor(X, requires_grad=True))
    assert shown_type(returned) == "tuple" and shown_type(returned[0]) == "Tensor"
    assert shown_type(learner.from_the_leaf(learner.tensor(X, requires_grad=True))) == "RuntimeError"
    assert shown_type(None) == "NoneType" and shown_type(3) == "int"


def test_a_tensor_subclass_cannot_misstate_its_memory(learner) -> None:
    liar, elsewhere = learner.a_tensor_that_claims_memory_elsewhere(learner.tensor(X, requires_grad=True))
    assert liar.storage != elsewhere.storage
    assert torch.equal(liar.value, X * X)


def test_a_tensor_subclass_cannot_misstate_its_values(learner) -> None:
    liar = learner.a_tensor_that_claims_other_values(learner.tensor(X, requires_grad=True))
    assert liar.subclass is not None and torch.equal(liar.value, X * X)
