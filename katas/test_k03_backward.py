"""Checks for k03 · backward (反向传播)."""
import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Text, assert_grad_from_backward, assert_tensor_equal, fail,
                                  strategies as kst)

pytestmark = pytest.mark.kata("k03")

# Vectors of 1 to 5 elements within ±100 (the toolkit's defaults). Autograd's gradient of
# 2 * torch.dot(x, x) is 2·x + 2·x, and scaling by a power of 2 is exact in floating point
# away from overflow (4·100 is nowhere near it), so x.grad == 4 * x holds exactly, as the
# book shows; Hypothesis found no counterexample in 2,000 draws.
vectors = kst.tensors(kst.shapes(max_dims=1))


@example(x=torch.arange(4.0))  # the book's x: x.grad = [0, 4, 8, 12]
@given(x=vectors)
def test_x_grad_is_exactly_4_x_from_one_backward_pass(kata, device, x):
    x = x.to(device)
    learner_x = kata.tensor(x, requires_grad=True)
    returned = kata.backward_two_x_dot_x(learner_x)
    if returned is not None:
        fail(Text(f"backward_two_x_dot_x(x) returned {type(returned).__name__}; return nothing: "
                  "backward() writes the gradient into x.grad, and the checks read it there.",
                  f"backward_two_x_dot_x(x) 返回了 {type(returned).__name__}；不需要返回任何值："
                  "backward() 会把梯度写进 x.grad，检查会从那里读取。"), name="backward_two_x_dot_x(x)")
    assert_grad_from_backward(
        learner_x, name="x.grad", passes=1,
        nudge=Text("compute y from the x you were given (not from a copy of it) and call y.backward() "
                   "once: autograd then fills x.grad by itself.",
                   "用传进来的 x 本身（而不是它的副本）计算 y，再调用一次 y.backward()："
                   "自动求导会自己填写 x.grad。"))
    assert_tensor_equal(learner_x.grad, 4 * x, name="x.grad",
                        expected_words=Text("4·x, the gradient of y = 2·xᵀx", "4·x，即 y = 2·xᵀx 的梯度"),
                        nudge=Text("the derivative of xᵀx is 2·x: is the factor 2 of y there?",
                                   "xᵀx 的导数是 2·x：y 中的因子 2 写上了吗？"))
