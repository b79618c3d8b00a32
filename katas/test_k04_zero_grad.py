"""Checks for k04 · accumulation and zero_ (梯度累积与清零)."""
import pytest
import torch
from hypothesis import example, given, strategies as st

from pytest_autograd_kata import (Text, NEW_VALUES, assert_grad_from_backward, assert_passes_in_a_run,
                                  assert_tensor_equal, called_before, calls_so_far, fail, later_call,
                                  steps_of, strategies as kst)

pytestmark = pytest.mark.kata("k04")

# Any shape from a single number (0-D) to 3-D, sides 1 to 5, float32 within ±100 (the toolkit's
# defaults): clearing and accumulating work element by element, whatever the shape.
shapes = kst.shapes(min_dims=0)


@st.composite
def x_and_old_grad(draw):
    """x, and an old gradient of the same shape, as an earlier backward pass leaves it. The old
    values are kept away from 0 (the toolkit's default non-zero magnitude): an old gradient of
    zeros would make forgetting to clear it invisible."""
    shape = draw(shapes)
    return draw(kst.tensors(shape)), draw(kst.tensors(shape, nonzero=True))


# The notes' own step: x = torch.arange(4.0), whose x.grad still holds 4·x = [0, 4, 8, 12] from
# y = 2·xᵀx, is cleared before the backward pass of y = x.sum(). Four elements also tell sum()
# from mean(), which agree on a single element.
BOOK = (torch.arange(4.0), 4 * torch.arange(4.0))
# The smallest shape the statement allows, a single number: clearing by slicing (x.grad[:])
# fails on it.
SCALAR = (torch.tensor(-1.5), torch.tensor(2.5))
# A single number in a tensor of shape (1,), which the statement names beside the 0-dim one.
ONE_ELEMENT = (torch.tensor([0.25]), torch.tensor([-3.0]))

SUM_GRADIENT = Text("ones: the gradient of y = x.sum()", "全 1：即 y = x.sum() 的梯度")
CLEAR_BEFORE = Text("backward() adds to what x.grad already holds: clear the old gradient before the "
                    "backward pass, not after it.",
                    "backward() 会累加到 x.grad 原有的值上：要在反向传播之前清除旧梯度，而不是之后。")
ONE_PER_ELEMENT = Text("each element of x appears once in x.sum(), so each derivative is 1: backpropagate from "
                       "that sum itself (another reduction, such as a mean, changes the gradient).",
                       "x 的每个元素在 x.sum() 中只出现一次，所以每个导数都是 1：请从这个和本身开始反向传播"
                       "（换成别的归约，比如平均值，梯度就变了）。")


def returned_nothing(returned, call):
    __tracebackhide__ = True
    if returned is not None:
        fail(Text(f"{call} returned a value; return nothing: the backward pass leaves its result in x.grad, "
                  "where the checks read it.",
                  f"{call} 返回了一个值；不需要返回任何值：反向传播把结果留在 x.grad 中，检查会从那里读取。"),
             name=call)


def one_backward_pass(learner_x, call, nudge=None):
    """Exactly one backward pass reached x during ``call``, and x.grad is what it left."""
    __tracebackhide__ = True
    if learner_x.passes == 0:
        fail(Text(f"no backward pass reached x during {call}: run the backward pass of y = x.sum(), and let "
                  "autograd write x.grad.",
                  f"{call} 执行期间没有任何反向传播到达 x：请对 y = x.sum() 执行反向传播，让自动求导写入 x.grad。"),
             name="x.grad")
    assert_grad_from_backward(learner_x, name="x.grad", passes=1, nudge=nudge)


@example(x_and_old_grad=BOOK)
@example(x_and_old_grad=SCALAR)
@example(x_and_old_grad=ONE_ELEMENT)
@given(x_and_old_grad=x_and_old_grad())
def test_cleared_x_grad_is_ones(kata, device, x_and_old_grad):
    x, old = (tensor.to(device) for tensor in x_and_old_grad)
    learner_x = kata.tensor(x, requires_grad=True, grad=old)
    returned_nothing(kata.clear_then_backward_sum(learner_x), "clear_then_backward_sum(x)")
    one_backward_pass(learner_x, "clear_then_backward_sum(x)", nudge=CLEAR_BEFORE)
    # The nudge says "clear first" only when x.grad is exactly what not clearing gives.
    accumulated = learner_x.grad is not None and torch.equal(learner_x.grad.value, old + 1)
    # Built here from the check's own x: float32 ones, whatever the learner's x.grad holds.
    assert_tensor_equal(learner_x.grad, torch.ones_like(x), name="x.grad", expected_words=SUM_GRADIENT,
                        nudge=CLEAR_BEFORE if accumulated else ONE_PER_ELEMENT)


@example(x_and_old_grad=BOOK)
@example(x_and_old_grad=SCALAR)
@given(x_and_old_grad=x_and_old_grad())
def test_clearing_keeps_the_same_x_grad_and_its_memory(kata, device, x_and_old_grad):
    x, old = (tensor.to(device) for tensor in x_and_old_grad)
    learner_x = kata.tensor(x, requires_grad=True, grad=old)
    old_grad = learner_x.grad
    # A second tensor on the old gradient's memory keeps that memory alive while the learner's
    # code runs, so a new gradient cannot be allocated at the same address and pass for it.
    run = kata.in_a_row([(torch.detach, old_grad), (kata.clear_then_backward_sum, learner_x)])
    old_memory = next(run)
    returned_nothing(next(run), "clear_then_backward_sum(x)")
    if learner_x.grad is not old_grad:
        fail(Text("x.grad is no longer the tensor it was: setting x.grad to None or to a new tensor of zeros "
                  "drops the old values too, but the backward pass then stores the gradient in new memory. "
                  "Clear the values of the x.grad that is there, in place.",
                  "x.grad 已经不是原来的那个张量了：把 x.grad 设为 None 或一个新的全 0 张量也能去掉旧值，"
                  "但随后的反向传播就会把梯度存进新的内存。请就地清除现有 x.grad 中的值。"), name="x.grad")
    if learner_x.grad.storage != old_memory.storage:
        fail(Text("x.grad is the same tensor, but its data now lives in new memory (as after x.grad.data = ...): "
                  "clear the values where they are instead.",
                  "x.grad 还是同一个张量，但它的数据已经换到了新的内存里（就像执行了 x.grad.data = ... 之后）："
                  "请直接在原处清除这些值。"), name="x.grad")


@example(x=BOOK[0])
@example(x=SCALAR[0])
@given(x=kst.tensors(shapes))
def test_a_fresh_x_gets_ones_too(kata, device, x):
    x = x.to(device)
    # Looked up outside the try: a missing function is an AttributeError too, with its own message.
    clear_then_backward_sum = kata.clear_then_backward_sum
    learner_x = kata.tensor(x, requires_grad=True)
    try:
        returned, error = clear_then_backward_sum(learner_x), None
    except AttributeError as err:
        returned, error = None, err
    if error is not None:
        fail(Text(f"clear_then_backward_sum(x) raised {error.type_name} ({error.message}) for a fresh x whose "
                  "x.grad is None: there is no gradient to clear yet. Clear it only when it exists.",
                  f"对一个 x.grad 为 None 的新 x，clear_then_backward_sum(x) 抛出了 {error.type_name}"
                  f"（{error.message}）：此时还没有梯度可清。只在梯度存在时才清除。"), name="x.grad")
    returned_nothing(returned, "clear_then_backward_sum(x)")
    one_backward_pass(learner_x, "clear_then_backward_sum(x)")
    assert_tensor_equal(learner_x.grad, torch.ones_like(x), name="x.grad", expected_words=SUM_GRADIENT,
                        nudge=ONE_PER_ELEMENT)


@example(x_and_old_grad=BOOK)
@example(x_and_old_grad=SCALAR)
@given(x_and_old_grad=x_and_old_grad())
def test_without_clearing_the_gradients_add_up(kata, device, x_and_old_grad):
    x, old = (tensor.to(device) for tensor in x_and_old_grad)
    learner_x = kata.tensor(x, requires_grad=True, grad=old)
    returned_nothing(kata.backward_sum_without_clearing(learner_x), "backward_sum_without_clearing(x)")
    one_backward_pass(learner_x, "backward_sum_without_clearing(x)")
    # The nudge says "do not clear" only when x.grad is exactly what clearing gives.
    cleared = learner_x.grad is not None and torch.equal(learner_x.grad.value, torch.ones_like(x))
    # old + 1 rounds exactly as backward()'s in-place accumulation does: both are one float32 addition.
    assert_tensor_equal(learner_x.grad, old + 1, name="x.grad",
                        expected_words=Text("the old gradient plus ones (PyTorch accumulates)",
                                            "旧梯度加 1（PyTorch 会累积梯度）"),
                        nudge=Text("this function shows PyTorch's default: do not clear x.grad here.",
                                   "这个函数展示的是 PyTorch 的默认行为：这里不要清除 x.grad。")
                        if cleared else ONE_PER_ELEMENT)



#: Who is who in a run of calls: x, x2 (another tensor with x's values) and x3 (other values).
CAST = Text("x2 is another tensor with x's values, x3 a third tensor", "x2 是与 x 值相同的另一个张量，x3 是第三个张量")
LATER_CALL = later_call(Text("its own x", "它自己的 x"))
#: The calls, in order: clearing twice and then accumulating on the same x, the same calls on an
#: equal x and on another one, then x again with new values written into it in place (as a
#: training step leaves it), each function called again with the very x it had before. Each call
#: must answer for the x it is given, as it is then.
SEQUENCE = (("clear_then_backward_sum", "x"), ("clear_then_backward_sum", "x"),
            ("backward_sum_without_clearing", "x"), ("clear_then_backward_sum", "x2"),
            ("backward_sum_without_clearing", "x3"), ("clear_then_backward_sum", "x3"),
            (NEW_VALUES, "x"), ("clear_then_backward_sum", "x"), ("backward_sum_without_clearing", "x2"),
            ("backward_sum_without_clearing", "x"))
CLEARED = Text("ones, left by the last clear_then_backward_sum", "全 1，即最近一次 clear_then_backward_sum 留下的结果")
ADDED = Text("ones from its last clear_then_backward_sum (before any, its old gradient), plus ones for each "
             "backward_sum_without_clearing since",
             "它最近一次 clear_then_backward_sum 留下的全 1（在此之前则是它的旧梯度），再为此后的每次 "
             "backward_sum_without_clearing 加上 1")


def new_values(x: torch.Tensor) -> torch.Tensor:
    """What a NEW_VALUES step writes into a tensor of values ``x``."""
    return 1 - 2 * x


ONE_PASS_OF_ITS_SUM = Text("each call runs one backward pass, of its own x's sum.",
                          "每次调用只对它自己的 x 的和执行一次反向传播。")


@example(x_and_old_grad=BOOK, other=SCALAR)
@example(x_and_old_grad=SCALAR, other=BOOK)
@given(x_and_old_grad=x_and_old_grad(), other=x_and_old_grad())
def test_calls_in_a_row_each_answer_for_their_own_x(kata, device, x_and_old_grad, other):
    (x, old), (x3, old3) = ((value.to(device) for value in pair) for pair in (x_and_old_grad, other))
    learner = {"x": kata.tensor(x, requires_grad=True, grad=old), "x2": kata.tensor(x, requires_grad=True, grad=old),
               "x3": kata.tensor(x3, requires_grad=True, grad=old3)}
    expected = {"x": old, "x2": old, "x3": old3}
    words = dict.fromkeys(learner, ADDED)
    passes = dict.fromkeys(learner, 0)
    # One request for the whole run; each step's answer comes with the state it left.
    run = kata.in_a_row(steps_of(kata, SEQUENCE, learner, {"x": x, "x2": x, "x3": x3}, new_values))
    for step, ((function, who), returned) in enumerate(zip(SEQUENCE, run)):
        if function == NEW_VALUES:
            continue
        returned_nothing(returned, f"{function}({who})")
        clears = function == "clear_then_backward_sum"
        expected[who] = torch.ones_like(expected[who]) if clears else expected[who] + 1
        words[who] = CLEARED if clears else ADDED
        passes[who] += 1
        said = calls_so_far(SEQUENCE[:step + 1], CAST)
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        # The x just called first, then the others, which the call must have left as they were.
        for name in sorted(learner, key=lambda name: name != who):
            assert_passes_in_a_run(learner[name], name, passes[name], said, nudge, ONE_PASS_OF_ITS_SUM)
            assert_tensor_equal(learner[name].grad, expected[name], name=f"{name}.grad",
                                expected_words=Text(f"{words[name].en}, {said.en}", f"{words[name].zh}，{said.zh}"),
                                nudge=nudge)
