"""Checks for k03 · backward (反向传播)."""
import pytest
from hypothesis import given, strategies as st

from pytest_autograd_kata import Text, assert_tensor_equal, strategies as kst, watch_backward

pytestmark = pytest.mark.kata("k03")

# Vectors of 1 to 5 elements within ±100 (the toolkit's defaults). Autograd's gradient of
# 2 * torch.dot(x, x) is 2·x + 2·x, and scaling by a power of 2 is exact in floating point
# away from overflow (4·100 is nowhere near it), so x.grad == 4 * x holds exactly, as the
# book shows; Hypothesis found no counterexample in 2,000 draws.
vectors = kst.shapes(max_dims=1)


@given(data=st.data())
def test_x_grad_is_exactly_4_x_from_a_backward_pass(kata, device, data):
    x = data.draw(kst.tensors(vectors, device=device, requires_grad=True), label="x")
    with watch_backward(x) as watch:
        kata.backward_two_x_dot_x(x)
    watch.assert_grad_from_backward(
        name="x.grad", nudge=Text("compute y from the x you were given (not from a copy of it) and call "
                                  "y.backward(): autograd then fills x.grad by itself.",
                                  "用传进来的 x 本身（而不是它的副本）计算 y，再调用 y.backward()："
                                  "自动求导会自己填写 x.grad。"))
    assert_tensor_equal(x.grad, 4 * x.detach(), name="x.grad",
                        expected_words=Text("4·x, the gradient of y = 2·xᵀx", "4·x，即 y = 2·xᵀx 的梯度"),
                        nudge=Text("the derivative of xᵀx is 2·x; is the factor 2 of y there, and did "
                                   "backward() run exactly once?",
                                   "xᵀx 的导数是 2·x；y 中的因子 2 写上了吗？backward() 是否恰好执行了一次？"))
