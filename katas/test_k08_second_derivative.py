"""Checks for k08 · second derivatives (二阶导数)."""
from functools import partial

import pytest
import torch
from hypothesis import assume, given, strategies as st

from pytest_autograd_kata import (Text, assert_grad_is_none, assert_gradcheck, assert_gradgradcheck,
                                  assert_is_tensor, assert_tensor_close, fail, strategies as kst)

pytestmark = pytest.mark.kata("k08")


def cube(t: torch.Tensor) -> torch.Tensor:
    return t ** 3


#: name -> (f, its first derivative, its second derivative), each element by element
FUNCTIONS = {
    "cube": (cube, lambda t: 3 * t ** 2, lambda t: 6 * t),
    "sin": (torch.sin, torch.cos, lambda t: -torch.sin(t)),
}
# Which function is drawn, so a formula written by hand for one of them fails on the other.
functions = st.sampled_from(sorted(FUNCTIONS))
# Shapes up to 3-D: f acts element by element, and the learner must handle more than one
# element. Values within the toolkit's default ±100: x³ stays below 1e6, far from overflow.
# float32 and float64, so the comparison's tolerance follows the dtype.
inputs = st.one_of([kst.tensors(dtype=dtype) for dtype in (torch.float32, torch.float64)])
# gradcheck and gradgradcheck perturb one element at a time, in float64: a vector of 1 to 3
# elements keeps them fast, and elementwise mathematics needs no more.
small_inputs = kst.tensors(kst.shapes(max_dims=1, max_side=3), dtype=torch.float64)

LEAVE_X_GRAD = Text("use torch.autograd.grad, which returns the derivative; backward() adds it into x.grad instead.",
                    "请使用 torch.autograd.grad，它直接返回导数；backward() 则会把导数累加到 x.grad 中。")


#: What torch says when asked for the gradient of a tensor with more than one element.
NOT_A_SCALAR = "only for scalar outputs"


def derivative(kata, which: str, f, x: torch.Tensor) -> torch.Tensor:
    """The learner's ``first_derivative`` or ``second_derivative`` of ``f`` at ``x``."""
    __tracebackhide__ = True
    try:
        result = getattr(kata, which)(f, x)
    except RuntimeError as err:
        if NOT_A_SCALAR not in str(err):
            raise
        fail(Text(f"{which}(f, x) raised: torch.autograd.grad was given a tensor with one element per "
                  "element of x, not a scalar. f works element by element, so the gradient of the sum "
                  "holds every element's derivative.",
                  f"{which}(f, x) 报错：传给 torch.autograd.grad 的是一个与 x 元素一一对应的张量，而不是标量。"
                  "f 是逐元素的，所以对它的和求梯度就得到每个元素的导数。"), name=f"{which}(f, x)")
    assert_is_tensor(result, name=f"{which}(f, x)", shape=x.shape, dtype=x.dtype, device=x.device)
    assert_grad_is_none(x, name="x", nudge=LEAVE_X_GRAD)
    return result


def assert_recorded(dy_dx: torch.Tensor) -> None:
    """The first derivative carries the graph of how it was computed."""
    __tracebackhide__ = True
    if dy_dx.grad_fn is None:
        fail(Text("first_derivative(f, x) has no grad_fn: autograd did not record how the derivative "
                  "was computed, so it cannot be differentiated again. Ask torch.autograd.grad to "
                  "build a graph of the backward pass.",
                  "first_derivative(f, x) 没有 grad_fn：自动求导没有记录这个导数是如何计算的，因此无法再次求导。"
                  "请让 torch.autograd.grad 为反向传播也建立计算图。"), name="first_derivative(f, x)")


@given(name=functions, x=inputs)
def test_first_derivative_carries_a_graph(kata, device, name, x):
    f, f_prime, _ = FUNCTIONS[name]
    assume(x.dtype != torch.float64 or device != "mps")  # MPS has no float64
    x = x.to(device).requires_grad_(True)
    dy_dx = derivative(kata, "first_derivative", f, x)
    assert_tensor_close(dy_dx, f_prime(x.detach()), name="first_derivative(f, x)",
                        expected_words=Text(f"dy/dx for y = {name}(x), element by element",
                                            f"y = {name}(x) 的 dy/dx，逐元素"))
    assert_recorded(dy_dx)


@given(name=functions, x=inputs)
def test_second_derivative_matches_the_formula(kata, device, name, x):
    f, _, f_second = FUNCTIONS[name]
    assume(x.dtype != torch.float64 or device != "mps")  # MPS has no float64
    x = x.to(device).requires_grad_(True)
    d2y_dx2 = derivative(kata, "second_derivative", f, x)
    assert_tensor_close(d2y_dx2, f_second(x.detach()), name="second_derivative(f, x)",
                        expected_words=Text(f"d²y/dx² for y = {name}(x): 6x for x³, -sin x for sin x",
                                            f"y = {name}(x) 的 d²y/dx²：x³ 对应 6x，sin x 对应 -sin x"),
                        nudge=Text("differentiate the first derivative, not y again.",
                                   "要对一阶导数求导，而不是再对 y 求导。"))


@given(name=functions, x=small_inputs)
def test_first_derivative_is_differentiable_in_float64(kata, device, name, x):
    if device == "mps":
        pytest.skip("MPS has no float64, which gradcheck's finite differences need")
    f = FUNCTIONS[name][0]
    x = x.to(device).requires_grad_(True)
    # gradcheck treats an output that records nothing as a constant, and passes wherever the
    # derivative happens to be 0 (x = 0 for x³): rule that out first.
    assert_recorded(derivative(kata, "first_derivative", f, x))
    first = partial(kata.first_derivative, f)
    nudge = Text("compute the first derivative with torch.autograd.grad from y = f(x) itself, and "
                 "return it as autograd gave it (no detach, no formula of your own).",
                 "请用 torch.autograd.grad 直接从 y = f(x) 求一阶导数，并原样返回自动求导给出的结果"
                 "（不要 detach，也不要自己写公式）。")
    # gradcheck: autograd's derivative of the learner's first derivative (the second
    # derivative) against finite differences; gradgradcheck: the same one order higher.
    # Both need the graph that create_graph records, and neither relies on a known formula.
    assert_gradcheck(first, (x,), name="first_derivative(f, x)", nudge=nudge)
    assert_gradgradcheck(first, (x,), name="first_derivative(f, x)", nudge=nudge)
