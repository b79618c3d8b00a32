"""Checks for k04 · accumulation and zero_ (梯度累积与清零)."""
import pytest
import torch
from hypothesis import given, strategies as st

from pytest_autograd_kata import (Text, assert_shares_storage, assert_tensor_equal, fail,
                                  strategies as kst, watch_backward)

pytestmark = pytest.mark.kata("k04")

SUM_GRADIENT = Text("ones: the gradient of y = x.sum()", "全 1：即 y = x.sum() 的梯度")
CLEAR_FIRST = Text("clear the old gradient first, then run the backward pass of x.sum() and leave x.grad "
                   "as it leaves it.",
                   "先清除旧梯度，再对 x.sum() 执行反向传播，并保留反向传播留下的 x.grad。")


def draw_x_with_old_grad(data, device):
    """A leaf x of any shape up to 3-D whose x.grad holds an old gradient, as after an earlier
    backward pass. The old values are kept away from 0 (the toolkit's default non-zero
    magnitude): an old gradient of zeros would make forgetting to clear it invisible."""
    shape = data.draw(kst.shapes(), label="shape")
    x = data.draw(kst.tensors(shape, device=device, requires_grad=True), label="x")
    x.grad = data.draw(kst.tensors(shape, device=device, nonzero=True), label="old x.grad")
    return x


@given(data=st.data())
def test_cleared_x_grad_is_ones(kata, device, data):
    x = draw_x_with_old_grad(data, device)
    with watch_backward(x) as watch:
        kata.clear_then_backward_sum(x)
    watch.assert_grad_from_backward(name="x.grad", nudge=CLEAR_FIRST)
    assert_tensor_equal(x.grad, torch.ones_like(x), name="x.grad", expected_words=SUM_GRADIENT,
                        nudge=Text("backward() adds to what x.grad already holds: clear the old gradient "
                                   "before the backward pass, not after.",
                                   "backward() 会累加到 x.grad 原有的值上：要在反向传播之前清除旧梯度，而不是之后。"))


@given(data=st.data())
def test_clearing_keeps_the_memory_of_x_grad(kata, device, data):
    x = draw_x_with_old_grad(data, device)
    # A second handle on the old gradient's memory keeps that memory alive, so a new
    # gradient cannot be allocated at the same address and pass for the old one.
    old_grad = x.grad.detach()
    kata.clear_then_backward_sum(x)
    assert_shares_storage(x.grad, old_grad, name="x.grad",
                          other_name=Text("the x.grad it held before", "原来的 x.grad"),
                          nudge=Text("x.grad = None or a new tensor of zeros also drops the old values, but "
                                     "the next backward pass then allocates new memory. Clear the existing "
                                     "x.grad in place, with a method whose name ends in _.",
                                     "x.grad = None 或新建一个全 0 张量也能去掉旧值，但下一次反向传播就要"
                                     "分配新内存。请就地清零已有的 x.grad，用名字以 _ 结尾的方法。"))


@given(data=st.data())
def test_fresh_x_gets_ones_too(kata, device, data):
    x = data.draw(kst.tensors(device=device, requires_grad=True), label="x")
    # Looked up outside the try: a missing function is an AttributeError too, with its own message.
    clear_then_backward_sum = kata.clear_then_backward_sum
    with watch_backward(x) as watch:
        try:
            clear_then_backward_sum(x)
        except AttributeError as err:
            fail(Text(f"clear_then_backward_sum(x) raised AttributeError ({err}) for a fresh x whose "
                      "x.grad is None: there is no gradient to clear yet. Clear it only when it exists.",
                      f"对一个 x.grad 为 None 的新 x，clear_then_backward_sum(x) 抛出了 AttributeError（{err}）："
                      "此时还没有梯度可清。只在梯度存在时才清零。"), name="x.grad")
    watch.assert_grad_from_backward(name="x.grad", nudge=CLEAR_FIRST)
    assert_tensor_equal(x.grad, torch.ones_like(x), name="x.grad", expected_words=SUM_GRADIENT)


@given(data=st.data())
def test_without_clearing_the_gradients_add_up(kata, device, data):
    x = draw_x_with_old_grad(data, device)
    old_plus_ones = x.grad + 1
    with watch_backward(x) as watch:
        kata.backward_sum_without_clearing(x)
    watch.assert_grad_from_backward(name="x.grad")
    assert_tensor_equal(x.grad, old_plus_ones, name="x.grad",
                        expected_words=Text("the old gradient plus ones: PyTorch accumulates",
                                            "旧梯度加 1：PyTorch 会累积梯度"),
                        nudge=Text("this function shows PyTorch's default: do not clear x.grad here.",
                                   "这个函数展示的是 PyTorch 的默认行为：这里不要清除 x.grad。"))
