"""Each assertion helper passes on right input and fails on wrong input with the message a
learner reads: the quantity, what was wrong, and (for values) obtained vs expected and the tolerance."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import torch

from pytest_autograd_kata import (
    KataFailure, Text, assert_grad_fn, assert_grad_from_backward, assert_grad_is_none, assert_gradcheck,
    assert_gradgradcheck, assert_is_tensor, assert_shares_storage, assert_tensor_close, assert_tensor_equal,
    fail)
from pytest_autograd_kata.assertions import shown
from pytest_autograd_kata.course import i18n


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def failure(call, *args, **kwargs) -> KataFailure:
    with pytest.raises(KataFailure) as caught:
        call(*args, **kwargs)
    return caught.value


def leaf(*values: float, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype, requires_grad=True)


# ---------------------------------------------------------------- assert_is_tensor

def test_is_tensor_accepts_a_matching_tensor() -> None:
    assert_is_tensor(torch.zeros(2, 3), name="x", shape=(2, 3), dtype=torch.float32, device="cpu")


@pytest.mark.parametrize("value, kwargs, message", [
    ([0.0, 1.0], {}, "x should be a torch.Tensor, but it is a list."),
    (None, {}, "x should be a torch.Tensor, but it is a NoneType."),
    (torch.zeros(4), {"shape": (2, 2)}, "x has shape (4,), but it should have shape (2, 2)."),
    (torch.zeros(2, dtype=torch.int64), {"dtype": torch.float32},
     "x has dtype torch.int64, but it should have dtype torch.float32."),
    (torch.zeros(2, device="meta"), {"device": "cpu"}, "x is on device meta, but it should be on cpu."),
])
def test_is_tensor_names_what_is_wrong(value, kwargs: dict, message: str) -> None:
    error = failure(assert_is_tensor, value, name="x", **kwargs)
    assert str(error) == message and error.quantity == "x"


# ---------------------------------------------------------------- assert_tensor_close

def test_close_passes_within_the_tolerance_and_ignores_the_graph() -> None:
    x = leaf(1.0, 2.0)
    assert_tensor_close(x * 2, torch.tensor([2.0, 4.0]) * (1 + 1e-7), name="y")


def test_close_reports_elements_count_expected_words_and_tolerance() -> None:
    x = torch.arange(8.0).reshape(2, 4)
    wrong = x.clone()
    wrong[0, 1], wrong[1, 0], wrong[1, 2], wrong[1, 3] = 9, 9, 9, 9
    message = str(failure(assert_tensor_close, wrong, x, name="x.grad",
                          expected_words=Text("4·x", "4·x"), nudge=Text("call backward()", "调用 backward()")))
    assert message.splitlines() == [
        "x.grad is not what it should be.",
        "  expected: 4·x",
        "  4 of 8 elements differ; obtained vs expected:",
        "    x.grad[0, 1] = 9   expected 1",
        "    x.grad[1, 0] = 9   expected 4",
        "    x.grad[1, 2] = 9   expected 6",  # only the first few
        "  tolerance: rtol=1.3e-06, atol=1e-05 (float32)",
        "  hint: call backward()",
    ]


@pytest.mark.parametrize("dtype, passes", [(torch.float32, True), (torch.float64, False)])
def test_close_tolerance_follows_the_dtype(dtype: torch.dtype, passes: bool) -> None:
    expected = torch.tensor([1.0, 100.0], dtype=dtype)
    actual = expected * (1 + 1e-6)  # inside float32's rtol 1.3e-6, outside float64's 1e-7
    if passes:
        assert_tensor_close(actual, expected, name="y")
    else:
        assert "tolerance: rtol=1e-07, atol=1e-07 (float64)" in str(failure(assert_tensor_close, actual, expected, name="y"))


def test_close_takes_an_explicit_tolerance_given_whole() -> None:
    assert_tensor_close(torch.tensor([1.05]), torch.tensor([1.0]), name="y", rtol=0.1, atol=0.0)
    assert "rtol=0.01, atol=0" in str(failure(assert_tensor_close, torch.tensor([1.05]), torch.tensor([1.0]),
                                             name="y", rtol=0.01, atol=0.0))
    with pytest.raises(ValueError, match="give both rtol and atol"):
        assert_tensor_close(torch.tensor([1.0]), torch.tensor([1.0]), name="y", rtol=0.1)


@pytest.mark.parametrize("actual, message", [
    (None, "x.grad is None, but it should hold a tensor."),
    (torch.zeros(3), "x.grad has shape (3,), but it should have shape (2,)."),
    (torch.zeros(2, dtype=torch.float64), "x.grad has dtype torch.float64, but it should have dtype torch.float32."),
    (torch.tensor([0.0, float("nan")]), "x.grad[1] = nan   expected 0"),
])
def test_close_refuses_none_shape_dtype_and_nan(actual, message: str) -> None:
    assert message in str(failure(assert_tensor_close, actual, torch.zeros(2), name="x.grad"))


# ---------------------------------------------------------------- assert_tensor_equal

def test_equal_is_exact() -> None:
    assert_tensor_equal(torch.arange(3.0), torch.tensor([0.0, 1.0, 2.0]), name="x")
    message = str(failure(assert_tensor_equal, torch.tensor([0.0, 1.0 + 1e-6]), torch.tensor([0.0, 1.0]),
                          name="x", expected_words=Text("0., 1.", "0., 1.")))
    assert message.splitlines() == [
        "x is not exactly what it should be.", "  expected: 0., 1.",
        "  1 of 2 elements differ; obtained vs expected:", "    x[1] = 1.000001   expected 1"]


@pytest.mark.parametrize("compare", [assert_tensor_equal, assert_tensor_close])
@pytest.mark.parametrize("actual", [torch.empty(3, device="meta"), torch.empty(2, 2, device="meta")])
def test_values_on_the_meta_device_are_not_compared_but_said_to_be_missing(compare, actual) -> None:
    # A meta tensor has a shape and a dtype but no values: comparing them is a failure that says
    # so, never torch's NotImplementedError from the middle of a comparison.
    message = str(failure(compare, actual, torch.zeros(3), name="x"))
    assert message == "x is on the meta device: it has a shape and a dtype but no values, so its values cannot be " \
                      "read or compared."


@pytest.mark.parametrize("compare", [assert_tensor_equal, assert_tensor_close])
def test_an_expected_value_on_the_meta_device_is_the_checks_mistake(compare) -> None:
    with pytest.raises(ValueError, match="the expected value is on the meta device"):
        compare(torch.zeros(3), torch.empty(3, device="meta"), name="x")


def test_a_number_of_a_meta_tensor_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="meta device"):
        shown(torch.empty((), device="meta"))


# ---------------------------------------------------------------- grad and graph

def test_grad_is_none_until_backward() -> None:
    x = leaf(1.0, 2.0)
    assert_grad_is_none(x, name="x")
    (x * x).sum().backward()
    assert str(failure(assert_grad_is_none, x, name="x")).startswith("x.grad should still be None here")


def test_grad_fn_names_the_last_operation() -> None:
    x = leaf(1.0, 2.0)
    y = x * 2
    assert_grad_fn(y, "MulBackward0", name="y")
    assert_grad_fn(x, None, name="x")
    assert str(failure(assert_grad_fn, y + 1, "MulBackward0", name="y")) == \
        "y.grad_fn is AddBackward0, but the last operation should give MulBackward0."
    assert "should have no grad_fn" in str(failure(assert_grad_fn, y, None, name="u"))
    assert "Was requires_grad set on the input" in str(failure(assert_grad_fn, y.detach(), "MulBackward0", name="u"))


def test_shares_storage_tells_a_view_from_a_copy() -> None:
    x = leaf(1.0, 2.0)
    assert_shares_storage(x.detach(), x, name="u", other_name="x")
    assert str(failure(assert_shares_storage, x.detach().clone(), x, name="u", other_name="x")).startswith(
        "u does not share memory with x: it is a copy")


# ---------------------------------------------------------------- the learner's tensors

LEARNER = """
import torch

def backward(x):
    (2 * x * x).sum().backward()

def by_hand(x):
    x.grad = 4 * x.detach()

def nothing(x):
    pass

def twice(x):
    (x * x).sum().backward()
    (x * x).sum().backward()

def edit_in_place(x):
    (x * x).sum().backward()
    x.grad.mul_(2)

def replace(x):
    (x * x).sum().backward()
    x.grad = x.grad * 2

def set_none(x):
    (x * x).sum().backward()
    x.grad = None

def views(x):
    y = x * x
    return y, y.detach(), y.detach().clone(), y.data

class Loud(torch.Tensor):
    pass

def subclass(x):
    return x.detach().as_subclass(Loud)
"""


@pytest.fixture(scope="module")
def learner(remote_kata):
    return remote_kata(LEARNER)


def test_a_gradient_from_a_backward_pass_is_accepted(learner) -> None:
    x = learner.tensor(torch.tensor([1.0, 2.0]), requires_grad=True)
    learner.backward(x)
    assert_grad_from_backward(x, name="x.grad", passes=1)
    assert_tensor_equal(x.grad, torch.tensor([4.0, 8.0]), name="x.grad")


@pytest.mark.parametrize("function, says", [
    ("by_hand", "x.grad was set without a backward pass reaching it"),
    ("nothing", "x.grad is still None: no backward pass reached it"),
    ("edit_in_place", "x.grad was changed after the backward pass"),
    ("replace", "x.grad was changed after the backward pass"),
    ("set_none", "x.grad was changed after the backward pass"),
])
def test_a_gradient_not_left_by_backward_is_told_apart(learner, function: str, says: str) -> None:
    x = learner.tensor(torch.tensor([1.0, 2.0]), requires_grad=True)
    getattr(learner, function)(x)
    assert str(failure(assert_grad_from_backward, x, name="x.grad")).startswith(says)


def test_a_gradient_given_and_never_backpropagated_is_said_to_be_the_old_one(learner) -> None:
    x = learner.tensor(torch.tensor([1.0, 2.0]), requires_grad=True, grad=torch.tensor([5.0, 5.0]))
    learner.nothing(x)
    assert str(failure(assert_grad_from_backward, x, name="x.grad")).startswith(
        "x.grad still holds the gradient it had before: no backward pass reached it")


@pytest.mark.parametrize("expected, ok", [(2, True), (1, False), (3, False)])
def test_backward_passes_are_counted(learner, expected: int, ok: bool) -> None:
    x = learner.tensor(torch.tensor([1.0, 2.0]), requires_grad=True)
    learner.twice(x)
    if ok:
        assert_grad_from_backward(x, name="x.grad", passes=expected)
    else:
        message = str(failure(assert_grad_from_backward, x, name="x.grad", passes=expected))
        assert "2 backward pass(es) reached it" in message and f"exactly {expected}" in message


def test_memory_and_history_of_the_learners_tensors(learner) -> None:
    x = learner.tensor(torch.tensor([1.0, 2.0]), requires_grad=True)
    y, detached, copy, data = learner.views(x)
    assert_grad_fn(y, "MulBackward0", name="y")
    assert_grad_fn(detached, None, name="u")
    assert_shares_storage(detached, y, name="u", other_name="y")
    assert_shares_storage(data, y, name="u", other_name="y")
    assert str(failure(assert_shares_storage, copy, y, name="u", other_name="y")).startswith(
        "u does not share memory with y: it is a copy")
    assert "MulBackward0" in str(failure(assert_grad_fn, y, None, name="y"))
    with pytest.raises(TypeError, match="same process"):
        assert_shares_storage(detached, torch.ones(2), name="u", other_name="y")


def test_a_tensor_subclass_from_the_learner_is_refused(learner) -> None:
    value = learner.subclass(learner.tensor(torch.tensor([1.0, 2.0])))
    assert str(failure(assert_is_tensor, value, name="x")).startswith(
        "x is a Loud, a subclass of torch.Tensor; return a plain torch.Tensor.")
    assert type(value.value) is torch.Tensor  # its values came back as a plain tensor all the same


# ---------------------------------------------------------------- gradcheck

def square_function(backward_factor: float, keep_graph: bool) -> type[torch.autograd.Function]:
    """x² as a custom autograd.Function whose backward may be wrong (factor ≠ 2) or cut from the
    graph (so its own derivative, the second derivative of x², is lost)."""

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * backward_factor * (x if keep_graph else x.detach())

    return Square


def test_gradcheck_passes_a_right_backward_even_from_float32() -> None:
    assert_gradcheck(square_function(2.0, True).apply, (leaf(0.5, -1.5),), name="Square")
    assert_gradgradcheck(square_function(2.0, True).apply, (leaf(0.5, -1.5),), name="Square")


def test_gradcheck_catches_a_wrong_backward() -> None:
    message = str(failure(assert_gradcheck, square_function(1.0, True).apply, (leaf(0.5, -1.5),), name="Square"))
    assert message.startswith("Square: autograd's gradient does not match finite differences (gradcheck, float64).")
    assert "Jacobian mismatch" in message


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable() -> None:
    function = square_function(2.0, False).apply
    assert_gradcheck(function, (leaf(0.5, -1.5),), name="Square")
    message = str(failure(assert_gradgradcheck, function, (leaf(0.5, -1.5),), name="Square"))
    assert message.startswith("Square: the second derivative does not match finite differences")


# ---------------------------------------------------------------- fail, languages, tracebacks

def test_fail_speaks_the_current_language() -> None:
    text = Text("x is not a leaf.", "x 不是叶子张量。")
    error = failure(fail, text, name="x.is_leaf")
    assert str(error) == "x is not a leaf." and error.quantity == "x.is_leaf"
    i18n.set_language("zh")
    assert str(failure(fail, text)) == "x 不是叶子张量。"


def test_text_needs_both_languages() -> None:
    with pytest.raises(ValueError, match="both an English and a Chinese"):
        Text("only English", "")
    with pytest.raises(TypeError, match=r"fail\(\) takes Text\(en, zh\)"):
        fail("only English")
    with pytest.raises(TypeError, match="nudge= takes Text"):
        assert_is_tensor(None, name="y", nudge="only English")
    with pytest.raises(TypeError, match="expected_words= takes Text"):
        assert_tensor_equal(torch.ones(1), torch.zeros(1), name="y", expected_words="one")


def test_messages_in_chinese() -> None:
    i18n.set_language("zh")
    message = str(failure(assert_tensor_close, torch.tensor([1.0, 3.0]), torch.tensor([1.0, 2.0]),
                          name="x.grad", nudge=Text("call backward()", "调用 backward()")))
    assert message.splitlines() == [
        "x.grad 的值不对。",
        "  2 个元素中有 1 个不一致；实际值 vs 期望值：",
        "    x.grad[1] = 3   期望 2",
        "  容差：rtol=1.3e-06，atol=1e-05（float32）",
        "  提示：调用 backward()",
    ]


HELPER_CALLS = {
    "is_tensor": "assert_is_tensor([1], name='x')",
    "close": "assert_tensor_close(torch.ones(2), torch.zeros(2), name='x')",
    "equal": "assert_tensor_equal(torch.ones(2), torch.zeros(2), name='x')",
    "grad_fn": "assert_grad_fn(torch.ones(2), 'MulBackward0', name='x')",
    "storage": "assert_shares_storage(torch.ones(2), torch.ones(2), name='x', other_name='y')",
    "from_backward": "assert_grad_from_backward(torch.ones(2))",
    "gradcheck": "assert_gradcheck(lambda x: x.detach() * x, (torch.ones(2),), name='f')",
    "fail": "fail(Text('wrong', '错'), name='x')",
}


def test_helpers_hide_their_own_frames(pytester: pytest.Pytester) -> None:
    # plain tests, without the kata marker, so pytest prints its usual traceback
    pytester.makepyfile("import torch\nfrom pytest_autograd_kata import *\n\n" + "\n".join(
        f"def test_{name}():\n    {call}\n" for name, call in HELPER_CALLS.items()))
    result = pytester.runpytest_inprocess("--tb=long")
    result.assert_outcomes(failed=len(HELPER_CALLS))
    shown = set(re.findall(r"^(\S+\.py):\d+: ", result.stdout.str(), re.M))
    assert shown == {"test_helpers_hide_their_own_frames.py"}
