"""Checks for k02 · build y = 2·xᵀx (构建计算图)."""
from functools import partial

import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Returned, Text, NEW_VALUES, assert_grad_is_none, assert_is_tensor,
                                  assert_tensor_close, assert_tensor_equal, called_before, calls_so_far, fail,
                                  later_call, one_minus_half, steps_of, strategies as kst)

pytestmark = pytest.mark.kata("k02")

# Vectors of 1 to 5 elements within ±100 (the toolkit's defaults): every term of xᵀx is
# non-negative, so float32 rounds the sum by at most ~5 ulps, well inside the float32
# tolerance, and 2·5·100² is far from overflow.
vectors = kst.tensors(kst.shapes(max_dims=1))

ROUNDED = Text("dy/dx is within rounding of 4·x but not equal to it: compute xᵀx as the dot product of x with itself "
               "(or the sum of x * x); x.norm() squared takes a square root and squares it, and its gradient "
               "rounds.",
               "dy/dx 与 4·x 只差舍入误差，但并不相等：请把 xᵀx 算成 x 与自身的点积（或 x * x 的和）；"
               "x.norm() 的平方先开平方再平方，梯度会有舍入误差。")
BOTH_FACTORS = Text("both factors of xᵀx are x, and both must stay in the graph.",
                    "xᵀx 的两个因子都是 x，它们都必须留在计算图中。")
ONLY_BUILD = Text("this kata only builds the graph; the backward pass is the next kata.",
                  "本练习只构建计算图；反向传播是下一个练习的内容。")


def build_y(kata, x, learner_x=None, answer=None):
    """The learner's y for a copy of x that records gradients (or for ``learner_x``, the
    learner's tensor that holds x now), checked to be a 0-dim tensor, with no backward pass run
    on the way (one whose x.grad was then cleared shows too). ``answer()`` gives what the call
    returned (or raises what it raised) where a run of calls made it already."""
    __tracebackhide__ = True
    learner_x = kata.tensor(x, requires_grad=True) if learner_x is None else learner_x
    y = answer() if answer else kata.two_x_dot_x(learner_x)
    assert_y_is_a_0_dim_tensor(y, x.device)
    if learner_x.passes:
        then = afterwards(learner_x.grad)
        fail(Text(f"two_x_dot_x(x) ran a backward pass{then.en if then else ''}: " + ONLY_BUILD.en,
                  f"two_x_dot_x(x) 执行了反向传播{then.zh if then else ''}：" + ONLY_BUILD.zh),
             name="two_x_dot_x(x)")
    assert_grad_is_none(learner_x, name="x", nudge=ONLY_BUILD)
    return learner_x, y


def afterwards(grad) -> Text | None:
    """What the learner's code did to x.grad after its backward pass, as a message says it: put it
    back to None, or zeroed it (None when x.grad still holds what the pass left, or anything else)."""
    if grad is None:
        return Text(" (and then put x.grad back to None)", "（之后又把 x.grad 改回了 None）")
    if not grad.value.any():
        return Text(" (and then zeroed x.grad)", "（之后又把 x.grad 清零了）")
    return None


def assert_y_is_a_0_dim_tensor(y, device):
    assert_is_tensor(y, name="y", device=device,
                     nudge=Text("keep y a torch tensor: .item() or float() give a Python number, which "
                                "autograd cannot follow back to x.",
                                "y 要保持为 torch 张量：.item() 或 float() 得到的是 Python 数，"
                                "自动求导无法由它追溯到 x。"))
    one_number = y.value.numel() == 1
    assert_is_tensor(y, name="y", shape=(),
                     nudge=Text("y is one number, but this kata asks for it as a 0-dim tensor (shape ()), as "
                                "torch.dot(x, x) returns it: take the dot product of the vector x with itself.",
                                "y 是一个数，但本练习要求它是 0 维张量（形状为 ()），就像 torch.dot(x, x) 返回的那样："
                                "直接求向量 x 与自身的点积。") if one_number else
                     Text("xᵀx is the dot product of x with itself: one number, not one per element.",
                          "xᵀx 是 x 与自身的点积：只有一个数，而不是每个元素一个。"))


Y_WORDS = Text("2·xᵀx, twice the sum of the squares of x", "2·xᵀx，即 x 各元素平方和的 2 倍")


def assert_y_is_2_x_dot_x(y, x: torch.Tensor, words: Text = Y_WORDS, nudge: Text | None = None) -> None:
    __tracebackhide__ = True
    # float64 gives a reference far more precise than float32, rounded once to x's dtype; it is
    # computed on the CPU because MPS has no float64.
    exact = 2 * (x.cpu().double() ** 2).sum()
    assert_tensor_close(y, exact.to(x.dtype).to(x.device), name="y", expected_words=words, nudge=nudge)


@example(x=torch.arange(4.0))  # the book's x: y = 28
@given(x=vectors)
def test_y_is_the_scalar_2_x_dot_x(kata, device, x):
    x = x.to(device)
    _, y = build_y(kata, x)
    assert_y_is_2_x_dot_x(y, x)


#: torch.autograd.grad as the checks ask it of the learner's own graph (x.grad left alone)
GRADIENT = partial(torch.autograd.grad, allow_unused=True)


def assert_graph_gives_4x(kata, learner_x, y, x: torch.Tensor, said: Text | None = None,
                          nudge: Text | None = None, answer=None) -> None:
    """y's recorded graph leads back to x and gives dy/dx = 4·x exactly, x as it is now.
    ``answer()`` gives what GRADIENT returned where a run of calls asked it already."""
    __tracebackhide__ = True
    # Any recorded last operation is accepted (MulBackward0 for the book's 2 * torch.dot(x, x),
    # DotBackward0 for torch.dot(2 * x, x)): grad_fn only names the last step. What matters
    # is that the recorded graph computes y from x, which the gradient it yields shows.
    if y.grad_fn is None:
        fail(Text("y has no grad_fn: autograd recorded nothing, so backward() could not reach x. Compute "
                  "y with torch operations on x itself (no .item(), no .detach(), no torch.no_grad()).",
                  "y 没有 grad_fn：自动求导什么都没有记录，backward() 无法到达 x。"
                  "请直接对 x 使用 torch 运算计算 y（不要用 .item()、.detach() 或 torch.no_grad()）。"),
             name="y.grad_fn")
    # autograd.grad, run on the learner's own graph, reads it without writing x.grad.
    (grad,) = answer() if answer else kata.call(GRADIENT, y, learner_x)
    if grad is None:
        fail(Text("y's graph does not lead back to x: y was not computed from x by recorded operations.",
                  "y 的计算图没有连回 x：y 不是通过被记录的运算由 x 计算出来的。"), name="y.grad_fn")
    # every term of autograd's gradient of 2·xᵀx is x times a power of two, so 4·x is exact
    rounded = torch.allclose(grad.value, 4 * x)
    words = Text("4·x, the derivative of 2·xᵀx", "4·x，即 2·xᵀx 的导数")
    assert_tensor_equal(grad, 4 * x, name="dy/dx",
                        expected_words=words if said is None else Text(f"{words.en}, {said.en}",
                                                                       f"{words.zh}，{said.zh}"),
                        nudge=nudge or (ROUNDED if rounded else BOTH_FACTORS))


# x = [1, 1] tells xᵀx from ‖x‖² = x.norm()**2: the square root of 2, squared, rounds, and the
# gradient of 2·‖x‖² there is 3.9999998 in each entry, not 4 ("exactly" in the statement).
@example(x=torch.ones(2))
@given(x=vectors)
def test_y_records_a_graph_that_leads_back_to_x(kata, device, x):
    x = x.to(device)
    learner_x = kata.tensor(x, requires_grad=True)
    # One request: the call, then GRADIENT of the y it returned, read once y is found right.
    run = kata.in_a_row([(kata.two_x_dot_x, learner_x), (GRADIENT, Returned(0), learner_x)])
    answer = partial(next, run)
    assert_graph_gives_4x(kata, *build_y(kata, x, learner_x, answer), x, answer=answer)


@given(x=vectors)
def test_no_backward_has_run_yet(kata, device, x):
    build_y(kata, x.to(device))


#: The calls, in order, on x, x2 (another tensor with x's values) and x3 (other values): x again
#: after new values were written into it in place (as a training step leaves it), then x2 again.
#: A y kept from an earlier call (a cache keyed by x) answers for the old x.
SEQUENCE = (("two_x_dot_x", "x"), ("two_x_dot_x", "x2"), (NEW_VALUES, "x"), ("two_x_dot_x", "x"),
            ("two_x_dot_x", "x3"), ("two_x_dot_x", "x2"))
CAST = Text("x2 is another tensor with x's values, x3 a third tensor", "x2 是与 x 值相同的另一个张量，x3 是第三个张量")
LATER_CALL = later_call(Text("its own x", "它自己的 x"))


@example(x=torch.arange(4.0), other=torch.ones(2))
@given(x=vectors, other=vectors)
def test_calls_in_a_row_each_answer_for_their_own_x(kata, device, x, other):
    values = {"x": x.to(device), "x2": x.to(device), "x3": other.to(device)}
    learner = {who: kata.tensor(value, requires_grad=True) for who, value in values.items()}
    # One request: each call followed by GRADIENT of the y it returned, each read with the state it left.
    steps = []
    for (function, who), step in zip(SEQUENCE, steps_of(kata, SEQUENCE, learner, values, one_minus_half)):
        steps.append(step)
        if function != NEW_VALUES:
            steps.append((GRADIENT, Returned(len(steps) - 1), learner[who]))
    run = kata.in_a_row(steps)
    for step, (function, who) in enumerate(SEQUENCE):
        if function == NEW_VALUES:
            next(run)
            values[who] = one_minus_half(values[who])
            continue
        said = calls_so_far(SEQUENCE[:step + 1], CAST)
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        _, y = build_y(kata, values[who], learner[who], answer=lambda: next(run))
        assert_y_is_2_x_dot_x(y, values[who], Text(f"{Y_WORDS.en}, {said.en}", f"{Y_WORDS.zh}，{said.zh}"), nudge)
        assert_graph_gives_4x(kata, learner[who], y, values[who], said, nudge, answer=lambda: next(run))
