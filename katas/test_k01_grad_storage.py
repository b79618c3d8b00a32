"""Checks for k01 · where gradients live (梯度存在哪里)."""
import pytest
import torch
from hypothesis import example, given, strategies as st

from pytest_autograd_kata import Text, assert_grad_is_none, assert_is_tensor, assert_tensor_equal, fail

pytestmark = pytest.mark.kata("k01")

# n ≥ 1 is the kata's contract; up to 1000 reaches well past the book's 4 while each tensor stays tiny.
lengths = st.integers(min_value=1, max_value=1000)


def made_x(kata, n, device):
    """The learner's ``make_x(n, device)``, checked to be a tensor on the device first."""
    __tracebackhide__ = True
    x = kata.make_x(n, device)
    assert_is_tensor(x, name="x", device=device)
    return x


# The book's x = torch.arange(4.0); and 257, the first integer float16 and bfloat16 cannot hold,
# so a half-precision x is told apart by its values as well as by its dtype.
@example(n=4)
@example(n=257)
@given(n=lengths)
def test_x_holds_0_to_n_minus_1_as_float32(kata, device, n):
    x = made_x(kata, n, device)
    assert_is_tensor(x, name="x", shape=(n,))
    if not x.is_floating_point():
        fail(Text(f"x has dtype {x.dtype}; only floating-point tensors can record gradients, and the "
                  "kata asks for float32, the dtype of the book's torch.arange(4.0).",
                  f"x 的数据类型是 {x.dtype}；只有浮点型张量才能记录梯度，本题要求 float32，"
                  "即书中 torch.arange(4.0) 的数据类型。"), name="x")
    if x.dtype != torch.float32:
        fail(Text(f"x has dtype {x.dtype}; the kata asks for float32, the dtype of the book's "
                  "torch.arange(4.0) and of every parameter PyTorch creates by default.",
                  f"x 的数据类型是 {x.dtype}；本题要求 float32，即书中 torch.arange(4.0) 的数据类型，"
                  "也是 PyTorch 默认创建参数时使用的类型。"), name="x")
    # Built here from n alone, never from what the learner returned.
    assert_tensor_equal(x, torch.arange(n, dtype=torch.float32, device=device), name="x",
                        expected_words=Text("0., 1., …, n-1", "0., 1., …, n-1"))


@given(n=lengths)
def test_x_is_a_leaf_that_records_gradients(kata, device, n):
    x = made_x(kata, n, device)
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
    assert_grad_is_none(made_x(kata, n, device), name="x")
