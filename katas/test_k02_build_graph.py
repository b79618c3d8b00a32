"""Checks for k02 · build y = 2·xᵀx (构建计算图)."""
import pytest
import torch
from hypothesis import given, strategies as st

from pytest_autograd_kata import (Text, assert_grad_is_none, assert_is_tensor, assert_tensor_close, fail,
                                  strategies as kst)

pytestmark = pytest.mark.kata("k02")

# Vectors of 1 to 5 elements within ±100 (the toolkit's defaults): every term of xᵀx is
# non-negative, so float32 rounds the sum by at most ~5 ulps, well inside the float32
# tolerance, and 2·5·100² is far from overflow.
vectors = kst.shapes(max_dims=1)


def draw_x(data, device):
    return data.draw(kst.tensors(vectors, device=device, requires_grad=True), label="x")


ONLY_BUILD = Text("this kata only builds the graph; the backward pass is the next kata.",
                  "本练习只构建计算图；反向传播是下一个练习的内容。")


def assert_y_is_a_scalar_tensor(y, device):
    assert_is_tensor(y, name="y", device=device,
                     nudge=Text("keep y a torch tensor: .item() or float() give a Python number, which "
                                "autograd cannot follow back to x.",
                                "y 要保持为 torch 张量：.item() 或 float() 得到的是 Python 数，"
                                "自动求导无法由它追溯到 x。"))
    assert_is_tensor(y, name="y", shape=(),
                     nudge=Text("xᵀx is the dot product of x with itself: one number, not one per element.",
                                "xᵀx 是 x 与自身的点积：只有一个数，而不是每个元素一个。"))


@given(data=st.data())
def test_y_is_the_scalar_2_x_dot_x(kata, device, data):
    x = draw_x(data, device)
    y = kata.two_x_dot_x(x)
    assert_y_is_a_scalar_tensor(y, device)
    # float64 gives a reference far more precise than float32, rounded once to x's dtype; it is
    # computed on the CPU because MPS has no float64.
    exact = 2 * (x.detach().cpu().double() ** 2).sum()
    assert_tensor_close(y, exact.to(x.dtype).to(x.device), name="y",
                        expected_words=Text("2·xᵀx, twice the sum of the squares of x",
                                            "2·xᵀx，即 x 各元素平方和的 2 倍"))


@given(data=st.data())
def test_y_records_a_graph_that_leads_back_to_x(kata, device, data):
    x = draw_x(data, device)
    y = kata.two_x_dot_x(x)
    assert_y_is_a_scalar_tensor(y, device)
    # Any recorded last operation is accepted (MulBackward0 for the book's 2 * torch.dot(x, x),
    # DotBackward0 for torch.dot(2 * x, x)): grad_fn only names the last step. What matters
    # is that the recorded graph computes y from x, which the gradient it yields shows.
    if y.grad_fn is None:
        fail(Text("y has no grad_fn: autograd recorded nothing, so backward() could not reach x. Compute "
                  "y with torch operations on x itself (no .item(), no .detach(), no torch.no_grad()).",
                  "y 没有 grad_fn：自动求导什么都没有记录，backward() 无法到达 x。"
                  "请直接对 x 使用 torch 运算计算 y（不要用 .item()、.detach() 或 torch.no_grad()）。"),
             name="y.grad_fn")
    # A backward pass inside the kata would have freed the graph that autograd.grad reads.
    assert_grad_is_none(x, name="x", nudge=ONLY_BUILD)
    # autograd.grad reads the graph without writing x.grad.
    (grad,) = torch.autograd.grad(y, x, allow_unused=True)
    if grad is None:
        fail(Text("y's graph does not lead back to x: y was not computed from x by recorded operations.",
                  "y 的计算图没有连回 x：y 不是通过被记录的运算由 x 计算出来的。"), name="y.grad_fn")
    assert_tensor_close(grad, 4 * x.detach(), name="dy/dx",
                        expected_words=Text("4·x, the derivative of 2·xᵀx", "4·x，即 2·xᵀx 的导数"),
                        nudge=Text("both factors of xᵀx are x, and both must stay in the graph.",
                                   "xᵀx 的两个因子都是 x，它们都必须留在计算图中。"))


@given(data=st.data())
def test_no_backward_has_run_yet(kata, device, data):
    x = draw_x(data, device)
    kata.two_x_dot_x(x)
    assert_grad_is_none(x, name="x", nudge=ONLY_BUILD)
