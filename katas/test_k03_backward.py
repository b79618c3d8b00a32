"""Checks for k03 · backward (反向传播)."""
import math

import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Text, assert_grad_from_backward, assert_tensor_close, assert_tensor_equal, fail,
                                  shown_type, strategies as kst)

pytestmark = pytest.mark.kata("k03")

# Vectors of 1 to 5 elements within ±100 (the toolkit's defaults). Autograd's gradient of
# 2 * torch.dot(x, x) is 2·x + 2·x, and scaling by a power of 2 is exact in floating point
# away from overflow (4·100 is nowhere near it), so x.grad == 4 * x holds exactly, as the
# book shows; Hypothesis found no counterexample in 2,000 draws.
vectors = kst.tensors(kst.shapes(max_dims=1))

#: the book's x: x.grad = [0, 4, 8, 12]
BOOK_X = torch.arange(4.0)
#: 2·‖x‖² is 2·xᵀx, but its gradient goes through a square root and back, 4·‖x‖·x/‖x‖, and rounds
#: to 3.9999998 here (found by trying each norm-based y on the vectors of -9..9): "exactly" tells
#: the dot product from the norm.
NORM_ROUNDS = torch.tensor([1.0, 1.0])

NAME = "backward_two_x_dot_x(x)"
Y = Text("2·xᵀx (y here is the tensor the backward pass started from)", "2·xᵀx（这里的 y 指反向传播开始的那个张量）")


def the_backward_start(calls: list) -> dict:
    """The one root the one backward() pass started from (autograd.grad fills no x.grad, so its
    passes do not count here)."""
    __tracebackhide__ = True
    passes = [call for call in calls if call["kind"] == "backward"]
    if len(passes) != 1 or len(passes[0]["roots"]) != 1:
        fail(Text(f"{NAME} should run one backward pass, from y alone: compute y and call y.backward() once.",
                  f"{NAME} 应当只从 y 开始执行一次反向传播：计算出 y，再调用一次 y.backward()。"), name=NAME)
    return passes[0]


def assert_starts_from_the_scalar_y(call: dict, x: torch.Tensor) -> None:
    """The pass started from a one-element tensor (a scalar, as backward() counts it) whose value is 2·xᵀx."""
    __tracebackhide__ = True
    (root,) = call["roots"]
    if root["is_leaf"]:
        fail(Text("the backward pass started from x itself, not from y: compute y = 2·xᵀx and call y.backward().",
                  "反向传播是从 x 本身开始的，而不是从 y 开始：请计算 y = 2·xᵀx，再调用 y.backward()。"), name=NAME)
    if math.prod(root["shape"]) != 1:
        shape = tuple(root["shape"])
        fail(Text(f"the backward pass started from a tensor of shape {shape}, not from the scalar y = 2·xᵀx: "
                  "compute y, one number, and call y.backward() on it (a gradient argument that weights the "
                  "elements of a tensor does not make it y).",
                  f"反向传播是从一个形状为 {shape} 的张量开始的，而不是从标量 y = 2·xᵀx 开始：先算出 y 这一个数，"
                  "再对它调用 y.backward()（用 gradient 参数给一个张量的各元素加权，并不能让它变成 y）。"), name=NAME)
    # float64 gives a reference far more precise than float32, rounded once to x's dtype (on the
    # CPU: MPS has no float64); y itself may be of any dtype, so its value is read in x's.
    exact = 2 * (x.cpu().double() ** 2).sum()
    value = root["value"]
    if value is None:
        fail(Text("the backward pass started from a tensor whose values could not be read: compute y = 2·xᵀx as "
                  "a real floating-point tensor on x's device.",
                  "反向传播开始的那个张量的值无法读取：请把 y = 2·xᵀx 算成 x 所在设备上的实数浮点张量。"), name=NAME)
    assert_tensor_close(value.reshape(()).to(x.dtype), exact.to(x.dtype), name="y", expected_words=Y,
                        nudge=Text("y = 2·xᵀx: is the factor 2 of y there, in y itself?",
                                   "y = 2·xᵀx：y 本身带上因子 2 了吗？"))


def grad_nudge(call: dict, grad: torch.Tensor, x: torch.Tensor) -> Text:
    """Why x.grad is not 4·x although the pass started from y = 2·xᵀx."""
    if call["gradient"]:
        return Text("y.backward(gradient) multiplies x.grad by the gradient given: call y.backward() with no "
                    "argument.",
                    "y.backward(gradient) 会把 x.grad 乘上给定的 gradient：请不带参数地调用 y.backward()。")
    if torch.allclose(grad, 4 * x):
        return Text("x.grad is within rounding of 4·x but not equal to it: compute xᵀx as the dot product of x "
                    "with itself (torch.dot(x, x), x @ x, (x * x).sum()); a y through x.norm() takes a square "
                    "root and squares it, and its gradient rounds.",
                    "x.grad 与 4·x 只差舍入误差，但并不相等：请把 xᵀx 算成 x 与自身的点积（torch.dot(x, x)、"
                    "x @ x、(x * x).sum()）；经过 x.norm() 的 y 先开平方再平方，梯度会有舍入误差。")
    return Text("y has the value 2·xᵀx, but its recorded graph does not compute it from x: both factors x of xᵀx "
                "must stay in the graph (no .detach(), no copy).",
                "y 的值是 2·xᵀx，但记录下来的计算图并不是由 x 算出它的：xᵀx 的两个因子 x 都必须留在计算图中"
                "（不要 .detach()，也不要用副本）。")


@example(x=BOOK_X)
@example(x=NORM_ROUNDS)
@given(x=vectors)
def test_x_grad_is_exactly_4_x_from_one_backward_pass(kata, device, x):
    x = x.to(device)
    learner_x = kata.tensor(x, requires_grad=True)
    with kata.watch(backward_calls=True) as seen:
        returned = kata.backward_two_x_dot_x(learner_x)
    if returned is not None:
        fail(Text(f"{NAME} returned {shown_type(returned)}; return nothing: "
                  "backward() writes the gradient into x.grad, and the checks read it there.",
                  f"{NAME} 返回了 {shown_type(returned)}；不需要返回任何值："
                  "backward() 会把梯度写进 x.grad，检查会从那里读取。"), name=NAME)
    assert_grad_from_backward(
        learner_x, name="x.grad", passes=1,
        nudge=Text("compute y from the x you were given (not from a copy of it) and call y.backward() "
                   "once: autograd then fills x.grad by itself.",
                   "用传进来的 x 本身（而不是它的副本）计算 y，再调用一次 y.backward()："
                   "自动求导会自己填写 x.grad。"))
    call = the_backward_start(seen.backward_calls)
    assert_starts_from_the_scalar_y(call, x)
    assert_tensor_equal(learner_x.grad, 4 * x, name="x.grad",
                        expected_words=Text("4·x, the gradient of y = 2·xᵀx", "4·x，即 y = 2·xᵀx 的梯度"),
                        nudge=grad_nudge(call, learner_x.grad.value, x))
