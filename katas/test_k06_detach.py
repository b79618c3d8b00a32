"""Checks for k06 · detaching a computation (分离计算)."""
import pytest
import torch
from hypothesis import example, given
from torch.autograd.graph import increment_version

from pytest_autograd_kata import (Text, CLEARED_AND_NEW_VALUES, assert_grad_fn, assert_grad_from_backward,
                                  assert_is_tensor, assert_passes_in_a_run, assert_shares_storage,
                                  assert_tensor_equal, called_before, calls_so_far, fail, later_call,
                                  probes, strategies as kst, with_nudge, writing)
from pytest_autograd_kata.remote import RemoteTensor, Returned

pytestmark = pytest.mark.kata("k06")

# Any shape from a single number (0-D) to 3-D, sides 1 to 5, float32 within ±100 (the
# toolkit's defaults): detach() works the same for every shape, and z = x³ stays below 1e6.
inputs = kst.tensors(kst.shapes(min_dims=0))
# The notes' x = torch.arange(4.0): u = [0, 1, 4, 9], z = [0, 1, 8, 27], and x.grad = u, where an
# undetached u would give 3·x² = [0, 3, 12, 27].
BOOK_X = torch.arange(4.0)
# The smallest shape the statement allows, a single number.
SCALAR = torch.tensor(-1.5)
# A single number in a tensor of shape (1,), which the statement names beside the 0-dim one.
ONE_ELEMENT = torch.tensor([0.25])

Y_NOT_RECORDED = Text("y has no grad_fn: y itself was computed outside autograd. Compute y = x * x "
                      "normally and detach only u; detach() makes a new tensor and leaves y as it was.",
                      "y 没有 grad_fn：y 本身是在自动求导之外计算的。请正常计算 y = x * x，只把 u 分离出来；"
                      "detach() 会生成新张量，不会改变 y。")
#: What torch says when a backward pass needs saved values that an earlier pass freed.
FREED_GRAPH = "backward through the graph a second time"


def detach_step(kata, x, then=lambda learner_x, y: ()):
    """The learner's copy of x, ``(y, u, z)`` from ``detach_y_and_backward(x)``, and the run
    (``kata.in_a_row``) that call began: ``then(learner_x, y)`` gives the steps that follow it
    in the same request (y being the y it returns), each read in turn by the check."""
    __tracebackhide__ = True
    learner_x = kata.tensor(x, requires_grad=True)
    run = kata.in_a_row([(kata.detach_y_and_backward, learner_x), *then(learner_x, Returned(0)[0])])
    returned = next(run)
    if not isinstance(returned, tuple) or len(returned) != 3:
        shown = "Tensor" if isinstance(returned, RemoteTensor) else "None" if returned is None else \
            f"a {type(returned).__name__} of {len(returned)}" if isinstance(returned, (tuple, list)) else \
            getattr(returned, "type_name", type(returned).__name__).rsplit(".", 1)[-1]
        fail(Text(f"detach_y_and_backward(x) returned {shown}; return the tuple (y, u, z).",
                  f"detach_y_and_backward(x) 返回的是 {shown}；请返回元组 (y, u, z)。"),
             name="detach_y_and_backward(x)")
    for name, value in zip("yuz", returned):
        assert_is_tensor(value, name=name, shape=x.shape, device=x.device)
    if returned[0].grad_fn is None:
        fail(Y_NOT_RECORDED, name="y.grad_fn")
    return learner_x, returned, run


@example(x=BOOK_X)
@example(x=SCALAR)
@example(x=ONE_ELEMENT)
@given(x=inputs)
def test_x_grad_equals_u(kata, device, x):
    x = x.to(device)
    learner_x, (y, u, z), _ = detach_step(kata, x)
    # Built here from the check's own x, in its dtype (float32): x * x rounds the same way
    # wherever it is computed, and d(u·x)/dx = u·1 is exact, so the book's == holds.
    square = x * x
    for name, value in (("y", y), ("u", u)):
        assert_tensor_equal(value, square, name=name, expected_words=Text("x * x", "x * x"))
    assert_tensor_equal(z, square * x, name="z", expected_words=Text("u * x", "u * x"))
    assert_grad_from_backward(learner_x, name="x.grad", passes=1,
                              nudge=Text("run the backward pass of z.sum() once, and leave x.grad as it leaves it.",
                                         "对 z.sum() 执行一次反向传播，并保留它留下的 x.grad。"))
    assert_tensor_equal(learner_x.grad, square, name="x.grad",
                        expected_words=Text("u (with u a constant, d(u·x)/dx = u)", "u（u 是常数时，d(u·x)/dx = u）"),
                        nudge=Text("if x.grad looks like 3·x², autograd traced u back to x: u must be "
                                   "y with its history dropped, and z must be computed from that u.",
                                   "如果 x.grad 像是 3·x²，说明自动求导沿 u 追溯回了 x：u 必须是丢弃了计算历史的 y，"
                                   "z 也必须由这个 u 计算出来。"))


@example(x=BOOK_X)
@example(x=SCALAR)
@given(x=inputs)
def test_u_is_y_detached(kata, device, x):
    x = x.to(device)
    # detach() shares y's version counter, which autograd reads to notice an in-place change
    # to values a backward pass needs; y.data shares the memory but not the counter.
    _, (y, u, _), run = detach_step(kata, x, lambda learner_x, y: [(increment_version, y)])
    assert_grad_fn(u, None, name="u")
    if u.requires_grad:
        fail(Text("u.requires_grad is True: autograd still records what is computed from u, "
                  "so u is not a constant to it.",
                  "u.requires_grad 是 True：自动求导仍会记录由 u 计算出的结果，u 对它来说不是常数。"),
             name="u.requires_grad")
    assert_shares_storage(u, y, name="u", other_name="y",
                          nudge=Text("detach() gives the same memory without the history; clone() or "
                                     "building a new tensor copies the data.",
                                     "detach() 得到同一块内存、但没有计算历史；clone() 或新建张量会复制数据。"))
    u_version = u.version
    next(run)  # y's version counter incremented
    if u.version == u_version:
        fail(Text("u shares y's memory but not y's version counter (y.data gives such a tensor): an in-place "
                  "change to u would then silently corrupt the gradients that need y's values. Take u with "
                  "detach(), which shares the counter, so that autograd raises an error instead.",
                  "u 与 y 共享内存，却不共享 y 的版本计数器（y.data 得到的就是这样的张量）：这时对 u 的就地修改"
                  "会悄悄弄错需要 y 的值的梯度。请用 detach() 得到 u，它与 y 共享版本计数器，自动求导会因此报错，"
                  "而不是算错。"),
             name="u")


@example(x=BOOK_X)
@example(x=SCALAR)
@given(x=inputs)
def test_y_still_backpropagates_to_x(kata, device, x):
    x = x.to(device)
    # A second tensor on x.grad's memory keeps it alive while the learner's code runs, so new
    # memory cannot be allocated at the same address and pass for it.
    learner_x, (y, u, _), run = detach_step(kata, x, lambda learner_x, y: [
        (probes.grad_detached, learner_x), (torch.Tensor.retain_grad, y), (kata.backward_through_y, learner_x, y)])
    old_grad = learner_x.grad
    if old_grad is None:
        fail(Text("x.grad is None after detach_y_and_backward(x): run the backward pass of z.sum() there.",
                  "detach_y_and_backward(x) 之后 x.grad 是 None：请在其中对 z.sum() 执行反向传播。"),
             name="x.grad")
    passes_before = learner_x.passes
    old_memory = next(run)
    next(run)  # y.retain_grad()
    try:
        returned, error = next(run), None
    except NotImplementedError:
        raise  # an untouched stub: reported as not started
    except RuntimeError as err:
        if FREED_GRAPH not in err.message:
            raise
        returned, error = None, err
    if error is not None and u.requires_grad:
        fail(Text("the backward pass of y.sum() found y's graph already freed: u is still connected to y, so "
                  "the backward pass of z.sum() went through y and freed it. Detach u.",
                  "对 y.sum() 的反向传播发现 y 的计算图已被释放：u 仍与 y 相连，所以 z.sum() 的反向传播经过了 y，"
                  "并释放了它的计算图。请把 u 分离出来。"), name="y")
    if error is not None:
        fail(Text("a backward pass through y found its graph already freed by an earlier one: run one backward "
                  "pass through y, that of y.sum().",
                  "经过 y 的一次反向传播发现它的计算图已被之前的反向传播释放：请只经过 y 做一次反向传播，"
                  "即 y.sum() 的反向传播。"), name="y")
    if learner_x.passes != passes_before + 1:
        fail(Text(f"{learner_x.passes - passes_before} backward passes reached x during backward_through_y(x, y); "
                  "run exactly one, that of y.sum().",
                  f"backward_through_y(x, y) 执行期间有 {learner_x.passes - passes_before} 次反向传播到达了 x；"
                  "请恰好执行一次，即 y.sum() 的反向传播。"), name="x.grad")
    assert_grad_from_backward(learner_x, name="x.grad")
    # The nudge says "clear first" only when x.grad is exactly u + 2·x, what not clearing gives.
    accumulated = torch.equal(learner_x.grad.value, x * x + 2 * x)
    assert_tensor_equal(learner_x.grad, 2 * x, name="x.grad",
                        expected_words=Text("2 * x, the gradient of y.sum() = Σ x²", "2 * x，即 y.sum() = Σ x² 的梯度"),
                        nudge=Text("x.grad still held dz/dx = u when backward_through_y started, and "
                                   "backward() adds to it: clear it first.",
                                   "backward_through_y 开始时 x.grad 中仍是 dz/dx = u，而 backward() 会累加：先清零。")
                        if accumulated else None)
    if returned is not learner_x.grad:
        fail(Text("backward_through_y(x, y) did not return x.grad itself: return the tensor x.grad, not a copy "
                  "of it or a value computed from x.",
                  "backward_through_y(x, y) 返回的不是 x.grad 本身：请返回 x.grad 这个张量，而不是它的拷贝，"
                  "也不是由 x 算出来的值。"), name="backward_through_y(x, y)")
    if learner_x.grad is not old_grad or learner_x.grad.storage != old_memory.storage:
        fail(Text("x.grad was replaced, not cleared in place: clear the values of the x.grad that is there, "
                  "as in k04, so it keeps its memory.",
                  "x.grad 被替换掉了，而不是就地清零：请像 k04 那样，就地清除现有 x.grad 中的值，让它保留原来的内存。"),
             name="x.grad")
    if y.grad is None:
        fail(Text("no backward pass went through the y that backward_through_y(x, y) was given: a y computed "
                  "again from x is a new graph. Backpropagate from the sum of this very y: detaching u left "
                  "its graph intact.",
                  "backward_through_y(x, y) 收到的那个 y 没有被任何反向传播经过：由 x 重新算出的 y 是一张新的计算图。"
                  "请从这个 y 本身的和开始反向传播：分离 u 并没有破坏它的计算图。"), name="y")


CAST = Text("x2 is another tensor with x's values, x3 a third tensor; each y the one returned for its x",
            "x2 是与 x 值相同的另一个张量，x3 是第三个张量；每个 y 都是为它的 x 返回的那个 y")
LATER_CALL = later_call(Text("its own arguments", "它自己的参数"))
DETACH, THROUGH_Y = "detach_y_and_backward", "backward_through_y"
#: The calls, in order: detach_y_and_backward for x, an equal x2 and another x3, then
#: backward_through_y for them in another order, then x again, its x.grad cleared in place and
#: new values written into it (as a training step leaves it).
SEQUENCE = ((DETACH, "x"), (DETACH, "x2"), (DETACH, "x3"), (THROUGH_Y, "x2"), (THROUGH_Y, "x"), (THROUGH_Y, "x3"),
            (CLEARED_AND_NEW_VALUES, "x"), (DETACH, "x"), (THROUGH_Y, "x"))


def steps_of_the_run(kata, learner, new_x) -> list:
    """SEQUENCE as the steps of one request: each detach_y_and_backward followed by
    ``y.retain_grad()`` on the y it returned, and each backward_through_y given that y."""
    steps, detached = [], {}
    for function, who in SEQUENCE:
        if function == CLEARED_AND_NEW_VALUES:
            steps.append(writing(learner[who], new_x, clear_grad=True))
        elif function == DETACH:
            detached[who] = Returned(len(steps))[0]
            steps += [(kata.detach_y_and_backward, learner[who]), (torch.Tensor.retain_grad, detached[who])]
        else:
            steps.append((kata.backward_through_y, learner[who], detached[who]))
    return steps


def call_shown(step) -> str:
    function, who = step
    return f"{function}({who}{', y' if function == THROUGH_Y else ''})"


@example(x=BOOK_X, other=SCALAR)
@example(x=SCALAR, other=BOOK_X)
@given(x=inputs, other=inputs)
def test_calls_in_a_row_each_answer_for_their_own_x(kata, device, x, other):
    x, x3, new_x = x.to(device), other.to(device), (1 - 2 * x).to(device)
    values = {"x": x, "x2": x, "x3": x3}
    learner = {name: kata.tensor(value, requires_grad=True) for name, value in values.items()}
    expected = dict.fromkeys(learner, None)
    passes = dict.fromkeys(learner, 0)
    returned_y = {}
    run = kata.in_a_row(steps_of_the_run(kata, learner, new_x))
    for step, (function, who) in enumerate(SEQUENCE):
        said = calls_so_far(SEQUENCE[:step + 1], CAST, call_shown)
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        if function == CLEARED_AND_NEW_VALUES:
            next(run)
            values[who] = new_x
            expected[who] = torch.zeros_like(new_x)
            continue
        square = values[who] * values[who]
        if function == DETACH:
            returned = next(run)
            if not isinstance(returned, tuple) or len(returned) != 3:
                fail(with_nudge(Text(f"detach_y_and_backward({who}) did not return the tuple (y, u, z) {said.en}.",
                                f"{said.zh}，detach_y_and_backward({who}) 返回的不是元组 (y, u, z)。"), nudge),
                     name=f"detach_y_and_backward({who})")
            for name, value, formula in zip("yuz", returned, (square, square, square * values[who])):
                assert_tensor_equal(value, formula, name=f"{name} of detach_y_and_backward({who})",
                                    expected_words=Text(f"its formula for {who} as it is then, {said.en}",
                                                        f"按调用时的 {who} 算出的公式值，{said.zh}"), nudge=nudge)
            returned_y[who] = returned[0]
            next(run)  # y.retain_grad()
            expected[who] = square if expected[who] is None else expected[who] + square
        else:
            returned = next(run)
            if returned is not learner[who].grad:
                fail(with_nudge(Text(f"backward_through_y({who}, y) did not return {who}.grad itself {said.en}.",
                                f"{said.zh}，backward_through_y({who}, y) 返回的不是 {who}.grad 本身。"), nudge),
                     name=f"backward_through_y({who}, y)")
            if returned_y[who].grad is None:
                fail(with_nudge(Text(f"no backward pass went through the y that backward_through_y({who}, y) was given, "
                                f"{said.en}: backpropagate from the sum of this very y.",
                                f"{said.zh}，backward_through_y({who}, y) 收到的那个 y 没有被任何反向传播经过："
                                "请从这个 y 本身的和开始反向传播。"), nudge), name="y")
            expected[who] = 2 * values[who]
        passes[who] += 1
        # The x just called first, then the others, which the call must have left as they were.
        for name in sorted(learner, key=lambda name: name != who):
            assert_passes_in_a_run(learner[name], name, passes[name], said, nudge,
                                   Text("each call runs one backward pass, into its own x.",
                                        "每次调用只执行一次反向传播，进入它自己的 x。"))
            if expected[name] is not None:
                assert_tensor_equal(learner[name].grad, expected[name], name=f"{name}.grad",
                                    expected_words=Text(f"what its own calls leave in it, {said.en}",
                                                        f"它自己的各次调用留下的值，{said.zh}"), nudge=nudge)
