"""Checks for k01 · where gradients live (梯度存在哪里)."""
import pytest
import torch
from hypothesis import example, given, strategies as st

from pytest_autograd_kata import Returned, Text, assert_grad_is_none, assert_is_tensor, assert_tensor_equal, fail

pytestmark = pytest.mark.kata("k01")

# n ≥ 1 is the kata's contract; up to 1000 reaches well past the book's 4 while each tensor stays tiny.
lengths = st.integers(min_value=1, max_value=1000)
#: torch's device that holds a tensor's shape and dtype but no values, present on every machine:
#: asking for x there tells an x made on the device it is given from one made on the CPU (and
#: moved, or not), which on a CPU-only machine look alike
META = "meta"


def made_x(kata, n, device, answer=None):
    """The learner's ``make_x(n, device)``, checked to be a plain tensor, not made under
    inference mode, on the device it was asked for. ``answer()`` gives what that call returned
    where a run of calls made it already."""
    __tracebackhide__ = True
    x = answer() if answer else kata.make_x(n, device)
    assert_is_tensor(x, name="x")
    if x.is_inference:
        fail(Text("x was made under torch.inference_mode(), which makes an inference tensor: autograd cannot "
                  "record the operations on it that need x again in the backward pass (x * x, sin(x)), so no "
                  "gradient can reach it. Make x outside torch.inference_mode().",
                  "x 是在 torch.inference_mode() 下创建的，这样得到的是推理张量：凡是反向传播时还要用到 x 的运算"
                  "（x * x、sin(x)），自动求导都无法记录，梯度也就到不了 x。请在 torch.inference_mode() 之外创建 x。"),
             name="x")
    if x.device.type != torch.device(device).type:
        fail(Text(f"make_x({n}, {device!r}) returned x on device {x.device}: make x on the device it is given "
                  "(device=device).",
                  f"make_x({n}, {device!r}) 返回的 x 在设备 {x.device} 上：请在传入的设备上创建 x（device=device）。"),
             name="x.device")
    return x


def assert_float32_from_0_to_n_minus_1(x, n, device):
    """x is the float32 vector 0., 1., …, n-1 (its values read unless it is on the meta device,
    where it has none)."""
    __tracebackhide__ = True
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
    if device != META:
        # Built here from n alone, never from what the learner returned.
        assert_tensor_equal(x, torch.arange(n, dtype=torch.float32, device=device), name="x",
                            expected_words=Text("0., 1., …, n-1", "0., 1., …, n-1"))


def assert_a_leaf_that_records_gradients(x):
    __tracebackhide__ = True
    if not x.requires_grad:
        fail(Text("x.requires_grad is False: autograd will not record operations on x.",
                  "x.requires_grad 是 False：自动求导不会记录对 x 的运算。"), name="x.requires_grad")
    if not x.is_leaf and x.grad_fn == "ToCopyBackward0":
        fail(Text("x is not a leaf tensor: it was moved to its device (.to(device)) after it began to record "
                  "gradients, so it is a copy computed from that first tensor, and backward() would store "
                  "no x.grad on it. Make x on the device first, then ask autograd to record operations on it.",
                  "x 不是叶子张量：它在开始记录梯度之后才被移到设备上（.to(device)），所以它是由最初那个张量"
                  "计算出的副本，backward() 不会为它保存 x.grad。请先在设备上创建 x，再让自动求导记录对它的运算。"),
             name="x.is_leaf")
    if not x.is_leaf:
        fail(Text("x is not a leaf tensor: it was computed from another tensor that records "
                  "gradients, so backward() would not store x.grad. Create x directly.",
                  "x 不是叶子张量：它是由另一个记录梯度的张量计算出来的，backward() 不会为它保存 x.grad。"
                  "请直接创建 x。"), name="x.is_leaf")


# The book's x = torch.arange(4.0); and 257, the first integer float16 and bfloat16 cannot hold,
# so a half-precision x is told apart by its values as well as by its dtype.
@example(n=4)
@example(n=257)
@given(n=lengths)
def test_x_holds_0_to_n_minus_1_as_float32(kata, device, n):
    assert_float32_from_0_to_n_minus_1(made_x(kata, n, device), n, device)


@given(n=lengths)
def test_x_is_a_leaf_that_records_gradients(kata, device, n):
    assert_a_leaf_that_records_gradients(made_x(kata, n, device))


@given(n=lengths)
def test_x_grad_is_none_before_backward(kata, device, n):
    assert_grad_is_none(made_x(kata, n, device), name="x")


@example(n=4)
@given(n=lengths)
def test_x_is_made_on_the_device_it_is_given(kata, n):
    x = made_x(kata, n, META)
    assert_float32_from_0_to_n_minus_1(x, n, META)
    assert_a_leaf_that_records_gradients(x)
    assert_grad_is_none(x, name="x")


def assert_new(x, earlier):
    """x is none of the tensors earlier calls returned, and shares memory with none of them."""
    __tracebackhide__ = True
    for number, (before, arguments) in enumerate(earlier, start=1):
        if x is before:
            fail(Text(f"make_x returned the very tensor that call {number}, make_x{arguments}, returned, whose "
                      "x.grad a backward pass has filled since: each call must return a new x.",
                      f"make_x 返回的正是第 {number} 次调用 make_x{arguments} 返回的那个张量，而它的 x.grad "
                      "已经被一次反向传播填写过了：每次调用都必须返回一个新的 x。"), name="x")
        if x.storage is not None and x.storage == before.storage:
            fail(Text(f"x shares its memory with the x that call {number}, make_x{arguments}, returned: "
                      "updating one would change the other. Each call must return a new x with memory of its own.",
                      f"x 与第 {number} 次调用 make_x{arguments} 返回的 x 共享内存：更新其中一个会改变另一个。"
                      "每次调用都必须返回一个拥有自己内存的新 x。"), name="x")


# The same arguments twice, on each device (a cache by n and device hands out the x of the first
# call again); then the same n on another device (a cache by n alone).
@example(calls=[(4, False), (4, False)])
@example(calls=[(4, True), (4, True)])
@example(calls=[(4, False), (4, True), (4, False)])
@given(calls=st.lists(st.tuples(st.integers(min_value=1, max_value=6), st.booleans()), min_size=2, max_size=5))
def test_each_call_returns_a_new_x(kata, device, calls):
    earlier = []
    # One request: each call, then what a training step does with its x next (a backward pass
    # of its sum fills x.grad), each step's answer read with the state it left.
    wheres = [META if on_meta else device for _, on_meta in calls]
    run = kata.in_a_row(step for i, ((n, _), where) in enumerate(zip(calls, wheres))
                        for step in ((kata.make_x, n, where), (torch.Tensor.sum, Returned(3 * i)),
                                     (torch.Tensor.backward, Returned(3 * i + 1))))
    for (n, _), where in zip(calls, wheres):
        x = made_x(kata, n, where, answer=lambda: next(run))
        assert_new(x, earlier)
        assert_float32_from_0_to_n_minus_1(x, n, where)
        assert_a_leaf_that_records_gradients(x)
        assert_grad_is_none(x, name="x")
        next(run), next(run)  # x.sum().backward()
        earlier.append((x, (n, where)))
