"""Checks for k07 · Python control flow (Python 控制流)."""
import numpy
import pytest
import torch
from hypothesis import assume, given, strategies as st

from pytest_autograd_kata import (Text, assert_is_tensor, assert_tensor_close, assert_tensor_equal,
                                  fail, strategies as kst, watch_backward)

pytestmark = pytest.mark.kata("k07")

#: Largest |a| drawn. For |a| ≥ 500 the loop does not run and the 100·b branch gives
#: d = 200·a, so |d| ≤ 2e32 stays far below float32's overflow at 3.4e38: an infinite d would
#: make d / a meaningless. The range is wide so that large values such as the lesson's
#: -167772.75, where rounding shows, are drawn as well as small ones.
BOUND = 1e30
# Non-zero scalars (the book's torch.randn(size=())), in float32 and float64 so the tolerance
# must follow the dtype. Never 0: b.norm() would stay 0 and the book's loop would never end;
# at |a| ≥ 1e-3 (the toolkit's default floor) it ends within 20 doublings.
inputs = st.one_of([kst.nonzero_scalars(dtype=dtype, min_value=-BOUND, max_value=BOUND)
                    for dtype in (torch.float32, torch.float64)])

#: The lesson's value: float32 200·a needs 8 significant digits, so d and d / a are rounded.
LESSON_A = -167772.75
#: A wrong gradient, 1 % off: far beyond float rounding, yet close enough that a tolerance of
#: "anything within 1" or rounding both sides to integers would still call it equal.
WRONG_BY = 1.01


def factor_k(a: float) -> float:
    """The k in f(a) = k·a: b = a·2^m for the first m ≥ 1 with |b| ≥ 1000 (doubling is exact in
    floating point), times 100 when b is negative."""
    doubled = 2.0
    while abs(a) * doubled < 1000:
        doubled *= 2
    return doubled if a > 0 else 100 * doubled


def book_values(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact gradient k and d = k·a rounded once to a's dtype, as the book's f computes it."""
    k = factor_k(a.item())
    return (torch.tensor(k, dtype=a.dtype, device=a.device),
            torch.tensor(k * a.item(), dtype=a.dtype, device=a.device))


def shown(value: torch.Tensor) -> str:
    """The shortest decimal that reads back as ``value`` in its own dtype (float32: 200.00002)."""
    return str(value.detach().cpu().numpy())


def agrees(kata, grad, d, a) -> bool:
    """The learner's verdict as a Python bool; a one-element boolean tensor (torch.isclose) or
    numpy's bool (numpy.isclose) counts too."""
    __tracebackhide__ = True
    verdict = kata.agrees_with_d_over_a(grad, d, a)
    if isinstance(verdict, torch.Tensor) and verdict.numel() == 1 and verdict.dtype == torch.bool:
        return bool(verdict.item())
    if isinstance(verdict, numpy.bool_):
        return bool(verdict)
    if not isinstance(verdict, bool):
        fail(Text(f"agrees_with_d_over_a returned {type(verdict).__name__}; return True or False.",
                  f"agrees_with_d_over_a 返回了 {type(verdict).__name__}；请返回 True 或 False。"),
             name="agrees_with_d_over_a")
    return verdict


@given(a=inputs)
def test_f_follows_the_loop_and_the_branch(kata, device, a):
    assume(a.dtype != torch.float64 or device != "mps")  # MPS has no float64
    a = a.to(device).requires_grad_(True)
    _, expected_d = book_values(a)
    d = kata.f(a)
    assert_is_tensor(d, name="f(a)", shape=(), device=device)
    assert_tensor_close(d, expected_d, name="f(a)",
                        expected_words=Text("b = 2·a doubled while b.norm() < 1000, then b if b.sum() > 0, else 100·b",
                                            "b = 2·a，在 b.norm() < 1000 时不断翻倍，然后若 b.sum() > 0 取 b，否则取 100·b"),
                        nudge=Text("follow the book's f line by line: b starts at a * 2, and each pass of "
                                   "the loop must replace b with the doubled value.",
                                   "逐行照着书中的 f 写：b 从 a * 2 开始，循环每执行一次都要用翻倍后的值替换 b。"))
    if d.grad_fn is None:
        fail(Text("f(a) has no grad_fn: autograd recorded nothing. Compute with tensor operations on a "
                  "(no .item(), no new tensors), outside torch.no_grad().",
                  "f(a) 没有 grad_fn：自动求导什么也没记录。请对 a 使用张量运算（不要 .item()，不要新建张量），"
                  "并且不要放在 torch.no_grad() 中。"), name="f(a)")


@given(a=inputs)
def test_a_grad_is_d_over_a(kata, device, a):
    assume(a.dtype != torch.float64 or device != "mps")  # MPS has no float64
    a = a.to(device).requires_grad_(True)
    with watch_backward(a) as watch:
        returned = kata.gradient_of_f(a)
    if not isinstance(returned, tuple) or len(returned) != 2:
        fail(Text(f"gradient_of_f(a) returned {type(returned).__name__}; return the tuple (a.grad, d).",
                  f"gradient_of_f(a) 返回了 {type(returned).__name__}；请返回元组 (a.grad, d)。"),
             name="gradient_of_f(a)")
    grad, d = returned
    watch.assert_grad_from_backward(name="a.grad")
    assert_tensor_equal(grad, a.grad, name="the gradient returned",
                        expected_words=Text("a.grad, as the backward pass left it", "a.grad，即反向传播留下的值"))
    assert_is_tensor(d, name="d", shape=(), device=device)
    assert_tensor_close(d, book_values(a)[1], name="d",
                        expected_words=Text("f(a), the book's function", "f(a)，即书中的函数"))
    # k is exact while d / a is rounded twice; the dtype's tolerance covers exactly that.
    assert_tensor_close(grad, d.detach() / a.detach(), name="a.grad",
                        expected_words=Text("d / a: f(a) = k·a, so its derivative is k",
                                            "d / a：f(a) = k·a，所以它的导数是 k"))


def test_exact_equality_is_the_wrong_test(kata, device):
    a = torch.tensor(LESSON_A, device=device)
    grad, d = book_values(a)
    # The lesson itself, checked here so the message below can never lie: == says no.
    assert not torch.equal(grad, d / a)
    if not agrees(kata, grad, d, a):
        fail(Text(f"agrees_with_d_over_a said False for the float32 a = {LESSON_A}: a.grad = {shown(grad)} "
                  f"is exact, d / a = {shown(d / a)} differs only by rounding (d = 200·a needs "
                  "8 significant digits, float32 keeps about 7). == and tolerances tighter than the "
                  "dtype's precision call them different.",
                  f"对 float32 的 a = {LESSON_A}，agrees_with_d_over_a 返回了 False：a.grad = {shown(grad)} "
                  f"是精确的，d / a = {shown(d / a)} 只差在舍入上（d = 200·a 需要 8 位有效数字，"
                  "float32 只保存约 7 位）。== 以及比数据类型精度更严的容差都会把它们判为不同。"),
             name="agrees_with_d_over_a")


@given(a=inputs)
def test_agrees_tells_rounding_from_a_wrong_gradient(kata, device, a):
    assume(a.dtype != torch.float64 or device != "mps")  # MPS has no float64
    a = a.to(device)
    grad, d = book_values(a)
    if not agrees(kata, grad, d, a):
        fail(Text(f"agrees_with_d_over_a said False for a = {shown(a)} ({a.dtype}) and the right "
                  f"gradient {shown(grad)} (d / a = {shown(d / a)}): they differ by rounding at most. "
                  "Compare with a tolerance relative to the size of the numbers, not with ==.",
                  f"对 a = {shown(a)}（{a.dtype}）和正确的梯度 {shown(grad)}（d / a = {shown(d / a)}），"
                  "agrees_with_d_over_a 返回了 False：两者至多相差舍入误差。请用与数值大小成比例的容差比较，不要用 ==。"),
             name="agrees_with_d_over_a")
    if agrees(kata, grad * WRONG_BY, d, a):
        fail(Text(f"agrees_with_d_over_a said True for a gradient 1 % off ({shown(grad * WRONG_BY)} "
                  f"against d / a = {shown(d / a)}): the tolerance should absorb rounding only. "
                  "Make it relative to the size of the numbers.",
                  f"对一个偏差 1% 的梯度（{shown(grad * WRONG_BY)}，而 d / a = {shown(d / a)}），"
                  "agrees_with_d_over_a 返回了 True：容差只应容纳舍入误差。请让容差与数值大小成比例。"),
             name="agrees_with_d_over_a")
