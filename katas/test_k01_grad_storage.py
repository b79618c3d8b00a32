"""Checks for k01 · where gradients live (梯度存在哪里)."""
import pytest
import torch
from hypothesis import given, strategies as st

from pytest_autograd_kata import Text, assert_grad_is_none, assert_is_tensor, assert_tensor_equal, fail

pytestmark = pytest.mark.kata("k01")

# n ≥ 1 is the kata's contract; up to 1000 reaches well past the book's 4 while each tensor stays tiny.
lengths = st.integers(min_value=1, max_value=1000)


@given(n=lengths)
def test_x_holds_0_to_n_minus_1_as_floats(kata, device, n):
    x = kata.make_x(n, device)
    assert_is_tensor(x, name="x", shape=(n,), device=device)
    if not x.is_floating_point():
        fail(Text(f"x has dtype {x.dtype}; only floating-point tensors can record gradients.",
                  f"x 的数据类型是 {x.dtype}；只有浮点型张量才能记录梯度。"), name="x")
    assert_tensor_equal(x, torch.arange(n, dtype=x.dtype, device=device), name="x",
                        expected_words=Text("0., 1., …, n-1", "0., 1., …, n-1"))


@given(n=lengths)
def test_x_is_a_leaf_that_records_gradients(kata, device, n):
    x = kata.make_x(n, device)
    assert_is_tensor(x, name="x", device=device)
    if not x.requires_grad:
        fail(Text("x.requires_grad is False: autograd will not record operations on x.",
                  "x.requires_grad 是 False：自动求导不会记录对 x 的运算。"), name="x.requires_grad")
    if not x.is_leaf:
        fail(Text("x is not a leaf tensor: it was computed from another tensor that records "
                  "gradients, so backward() would not store x.grad. Create x directly.",
                  "x 不是叶子张量：它是由另一个记录梯度的张量计算出来的，backward() 不会为它保存 x.grad。"
                  "请直接创建 x。"), name="x.is_leaf")


@given(n=lengths)
def test_x_grad_is_none_before_backward(kata, device, n):
    x = kata.make_x(n, device)
    assert_is_tensor(x, name="x", device=device)
    assert_grad_is_none(x, name="x")
