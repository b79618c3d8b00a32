"""Checks for k09 · backward twice (连续两次反向传播)."""
import pytest
import torch
from hypothesis import assume, example, given, strategies as st

from pytest_autograd_kata import (Text, CLEARED_AND_NEW_VALUES, assert_grad_from_backward, assert_is_tensor,
                                  assert_passes_in_a_run, assert_tensor_close, called_before, calls_so_far, fail,
                                  later_call, one_minus_half, shown_type, strategies as kst, with_nudge, writing)
from pytest_autograd_kata.remote import RemoteException, Returned

pytestmark = pytest.mark.kata("k09")

# Any shape up to 3-D, float32 or float64: the graph is freed the same way whatever y is
# computed from. Values within the toolkit's default ±100, so y stays below 1e7 (Σx³ for 125
# elements), far from overflow.
inputs = st.one_of([kst.tensors(dtype=dtype) for dtype in (torch.float32, torch.float64)])

#: y as the statement describes it, built from x by torch functions that ``call`` runs: here, on
#: the check's own x, or in the learner's process (kata.call) on the learner's x. Each graph
#: saves values its gradient needs (x, or tanh(x)), so a second pass finds them freed; drawing
#: one of several makes a first gradient written as a formula fail.
GRAPHS = {
    "2 * (x * x).sum()": lambda call, x: call(torch.mul, call(torch.sum, call(torch.mul, x, x)), 2),
    "torch.sin(x).sum()": lambda call, x: call(torch.sum, call(torch.sin, x)),
    "(x ** 3).sum()": lambda call, x: call(torch.sum, call(torch.pow, x, 3)),
    "torch.tanh(x).sum()": lambda call, x: call(torch.sum, call(torch.tanh, x)),
}
graphs = st.sampled_from(sorted(GRAPHS))


def here(function, *args):
    return function(*args)


def trusted_run(name: str, x: torch.Tensor) -> tuple[torch.Tensor, str]:
    """On a private copy of the check's x: the gradient of y after one backward pass, and the
    message torch itself gives for a second pass on the freed graph."""
    leaf = x.detach().clone().requires_grad_(True)
    y = GRAPHS[name](here, leaf)
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return leaf.grad.detach(), str(err)
    raise AssertionError(f"the graph of {name} saves nothing: a second pass does not fail")


def recording(steps: list):
    """A ``call(function, *args)`` that appends a step to ``steps`` (of a run, ``kata.in_a_row``)
    and returns what stands for what the step will return."""
    def call(function, *args):
        steps.append((function, *args))
        return Returned(len(steps) - 1)
    return call


def learner_call(kata, name: str, x: torch.Tensor, device: str, function: str):
    """The learner's own x (recording gradients, x.grad None), and the run, in one request, that
    builds y from it in the learner's process and then calls ``function`` of the learner's module
    on that y (and x, for gradients_of_two_passes): y's steps already read, its next step the call."""
    assume(x.dtype != torch.float64 or device != "mps")  # MPS has no float64
    learner_x = kata.tensor(x.to(device), requires_grad=True)
    steps: list = []
    y = GRAPHS[name](recording(steps), learner_x)
    steps.append((getattr(kata, function), y, *([learner_x] if function == TWO_PASSES else [])))
    run = kata.in_a_row(steps)
    for _ in steps[:-1]:
        next(run)  # y's making: torch's functions on the learner's x
    return learner_x, run


def one_pass(name: str) -> Text:
    return Text(f"the gradient of y = {name} after one backward pass", f"一次反向传播后 y = {name} 的梯度")


def first_line(message: str) -> str:
    return (message.splitlines() or [""])[0][:200]


@given(name=graphs, x=inputs)
def test_second_backward_returns_the_error_torch_raised(kata, device, name, x):
    learner_x, run = learner_call(kata, name, x, device, ERROR)
    gradient, freed_message = trusted_run(name, x.to(device))
    function = "second_backward_error(y)"
    try:
        error = next(run)
    except RuntimeError as escaped:
        if getattr(escaped, "message", None) != freed_message:
            raise
        fail(Text("the second y.backward() raised the expected RuntimeError, but it escaped from "
                  "second_backward_error(y): catch it there and return it.",
                  "第二次 y.backward() 抛出了预期的 RuntimeError，但它逃出了 second_backward_error(y)："
                  "请在函数中捕获它并返回。"), name=function)
    if error is None:
        fail(Text("second_backward_error(y) returned None: the second y.backward() did not fail. Call "
                  "y.backward() twice the default way, without keeping the graph for the second call.",
                  "second_backward_error(y) 返回了 None：第二次 y.backward() 没有报错。请按默认方式调用两次 "
                  "y.backward()，不要为第二次保留计算图。"), name=function)
    if not isinstance(error, RemoteException) or not error.is_a("RuntimeError"):
        kind = shown_type(error)
        fail(Text(f"second_backward_error(y) returned a {kind}; return the RuntimeError object that the "
                  "second backward() raised.",
                  f"second_backward_error(y) 返回了 {kind}；请返回第二次 backward() 抛出的 RuntimeError 对象。"),
             name=function)
    if error.message != freed_message:
        fail(Text(f"second_backward_error(y) returned RuntimeError({first_line(error.message)!r}), which is not "
                  f"the error torch raises for a second y.backward() on a freed graph, "
                  f"RuntimeError({first_line(freed_message)!r}). Return the error you caught.",
                  f"second_backward_error(y) 返回了 RuntimeError({first_line(error.message)!r})，这不是 torch 对"
                  f"已释放的计算图再次调用 y.backward() 时抛出的错误 RuntimeError({first_line(freed_message)!r})。"
                  "请返回你捕获到的错误。"), name=function)
    if not error.was_raised:
        fail(Text("second_backward_error(y) returned a RuntimeError with the right message that was never "
                  "raised: it was made by your code, not caught from the second y.backward().",
                  "second_backward_error(y) 返回的 RuntimeError 信息没错，但它从未被抛出过：它是你的代码自己创建的，"
                  "而不是从第二次 y.backward() 中捕获的。"), name=function)
    if not error.raised_through_backward or error.raised_by_learner_code:
        # (a hook of the learner's that raises inside backward() is their code, not torch failing)
        fail(Text("second_backward_error(y) returned a RuntimeError that your own code raised, not one "
                  "torch's backward() raised by itself: the kata asks you to let the second y.backward() "
                  "fail by itself, and to return the error it raised.",
                  "second_backward_error(y) 返回的 RuntimeError 是你自己的代码抛出的，而不是 torch 的 backward() "
                  "自己抛出的：本题要你让第二次 y.backward() 自己失败，并返回它抛出的错误。"), name=function)
    assert_grad_from_backward(
        learner_x, name="x.grad", passes=1,
        nudge=Text("the first y.backward() succeeds and fills x.grad; the second stops before adding anything.",
                   "第一次 y.backward() 会成功并填写 x.grad；第二次在累加任何东西之前就停下了。"))
    # The first pass succeeded and the second one stopped before adding anything.
    assert_tensor_close(learner_x.grad, gradient, name="x.grad", expected_words=one_pass(name))


# At x = 0 the gradient of Σx³ is 0, and so is twice it: there a first that shares x.grad's memory
# holds the right values, and only its memory tells it from a copy.
@example(name="(x ** 3).sum()", x=torch.zeros(3))
@given(name=graphs, x=inputs)
def test_retained_graph_gives_twice_the_gradient(kata, device, name, x):
    learner_x, run = learner_call(kata, name, x, device, TWO_PASSES)
    gradient, freed_message = trusted_run(name, x.to(device))
    function = "gradients_of_two_passes(y, x)"
    try:
        returned = next(run)
    except RuntimeError as err:
        if getattr(err, "message", None) != freed_message:
            raise
        fail(Text("the second backward pass in gradients_of_two_passes found the graph freed: the "
                  "first pass must be told to keep it.",
                  "gradients_of_two_passes 中的第二次反向传播发现计算图已被释放：必须让第一次反向传播保留它。"),
             name=function)
    if not isinstance(returned, tuple) or len(returned) != 2:
        fail(Text(f"{function} returned {shown_type(returned)}; return the tuple (first, total).",
                  f"{function} 返回了 {shown_type(returned)}；请返回元组 (first, total)。"), name=function)
    first, total = returned
    assert_grad_from_backward(
        learner_x, name="x.grad", passes=2,
        nudge=Text("run the backward pass of y twice, keeping the graph for the second, and leave x.grad to "
                   "autograd in between: the second pass adds to what the first left.",
                   "对 y 执行两次反向传播，并为第二次保留计算图；两次之间把 x.grad 交给自动求导："
                   "第二次会累加到第一次留下的结果上。"))
    assert_is_tensor(first, name="first", shape=x.shape, dtype=x.dtype, device=device)
    assert_tensor_close(first, gradient, name="first", expected_words=one_pass(name),
                        nudge=Text("first is what the first backward pass left in x.grad, copied before the "
                                   "second pass updates x.grad in place.",
                                   "first 是第一次反向传播留在 x.grad 中的结果，要在第二次反向传播就地更新 x.grad 之前拷贝下来。"))
    if first.storage == learner_x.grad.storage:
        fail(Text("first shares its memory with x.grad (as x.grad itself, a view of it or x.grad.detach() do), so "
                  "the second pass changes it too: make first a copy, a tensor with memory of its own.",
                  "first 与 x.grad 共用内存（x.grad 本身、它的视图或 x.grad.detach() 都是这样），所以第二次反向传播也会"
                  "改变它：请让 first 成为一份拷贝，即拥有自己内存的张量。"), name="first")
    if total is not learner_x.grad:
        fail(Text(f"total, the second element {function} returned, is not x.grad itself: return the tensor "
                  "the two backward passes left in x.grad, not a copy or a value computed another way.",
                  f"{function} 返回的第二个元素 total 不是 x.grad 本身：请返回两次反向传播留在 x.grad 中的那个张量，"
                  "而不是它的拷贝或用别的方法算出的值。"), name="total")
    # The second pass adds the same gradient to the first.
    assert_tensor_close(learner_x.grad, 2 * gradient, name="x.grad",
                        expected_words=Text(f"twice {one_pass(name).en}: the second pass adds its gradient to the first",
                                            f"{one_pass(name).zh}的两倍：第二次反向传播把它的梯度加到第一次的结果上"),
                        nudge=Text("do not clear x.grad between the passes: the sum is the point.",
                                   "两次反向传播之间不要清零 x.grad：要看的正是两者之和。"))


LATER_CALL = later_call(Text("its own y and x", "它自己的 y 和 x"))
TWO_PASSES, ERROR = "gradients_of_two_passes", "second_backward_error"
#: The calls, in order, each on a y built for it: from x, from x2 (another tensor with x's
#: values, with another function), from a third x3 (second_backward_error), then from x again
#: after its x.grad was cleared in place and new values were written into it (as a training step
#: leaves it). Each call must answer for its own y and x; a first returned earlier must not change.
SEQUENCE = ((TWO_PASSES, "x"), (TWO_PASSES, "x2"), (ERROR, "x3"), (CLEARED_AND_NEW_VALUES, "x"), (TWO_PASSES, "x"))


CAST = Text("x2 is another tensor with x's values, x3 a third tensor", "x2 是与 x 值相同的另一个张量，x3 是第三个张量")


def new_values(graph_of: dict, values: dict, who: str, graph: str) -> None:
    """The new values written into ``who`` at a CLEARED_AND_NEW_VALUES step, and the graph its
    later y is built with."""
    values[who] = one_minus_half(values[who])
    graph_of[who] = graph


def steps_of_the_run(kata, learner, graph_of, values, graph: str) -> tuple[list, list[int]]:
    """SEQUENCE as the steps of one request (each call's y built by torch functions on its x just
    before it), and how many of them each step of SEQUENCE takes."""
    steps, counts = [], []
    call = recording(steps)
    for function, who in SEQUENCE:
        first = len(steps)
        if function == CLEARED_AND_NEW_VALUES:
            new_values(graph_of, values, who, graph)
            steps.append(writing(learner[who], values[who], clear_grad=True))
        else:
            y = GRAPHS[graph_of[who]](call, learner[who])
            call(getattr(kata, function), *((y,) if function == ERROR else (y, learner[who])))
        counts.append(len(steps) - first)
    return steps, counts


def call_shown(graphs: dict[str, str]):
    """How a step shows, each y named by the graph it had then."""
    def shown(step) -> str:
        function, who = step
        return f"{function}(y{'' if function == ERROR else f', {who}'}) with y = {graphs[who]} of {who}"
    return shown


@given(names=st.lists(graphs, min_size=2, max_size=2, unique=True), other=graphs, x=inputs, x3=inputs)
def test_calls_in_a_row_each_answer_for_their_own_y_and_x(kata, device, names, other, x, x3):
    assume(x.dtype != torch.float64 or device != "mps")  # MPS has no float64
    graph_of = {"x": names[0], "x2": names[1], "x3": other}
    values = {"x": x.to(device), "x2": x.to(device), "x3": x3.to(device)}
    learner = {name: kata.tensor(value, requires_grad=True) for name, value in values.items()}
    passes = dict.fromkeys(learner, 0)
    firsts = []  # (name, the first it returned, what it must keep holding)
    steps, counts = steps_of_the_run(kata, learner, dict(graph_of), dict(values), names[1])
    run = kata.in_a_row(steps)
    for step, ((function, who), count) in enumerate(zip(SEQUENCE, counts)):
        shown = dict(graph_of)
        *_, returned = [next(run) for _ in range(count)]  # y built for this call, then the call
        if function == CLEARED_AND_NEW_VALUES:
            new_values(graph_of, values, who, names[1])
            continue
        said = calls_so_far(SEQUENCE[:step + 1], CAST, call_shown(shown))
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        gradient, _ = trusted_run(graph_of[who], values[who])
        passes[who] += 1 if function == ERROR else 2
        if function == ERROR and not (isinstance(returned, RemoteException) and returned.is_a("RuntimeError")):
            fail(with_nudge(Text(f"second_backward_error(y) did not return the RuntimeError of the second pass {said.en}.",
                            f"{said.zh}，second_backward_error(y) 没有返回第二次反向传播抛出的 RuntimeError。"), nudge),
                 name="second_backward_error(y)")
        if function == TWO_PASSES:
            if not isinstance(returned, tuple) or len(returned) != 2:
                fail(with_nudge(Text(f"gradients_of_two_passes(y, {who}) did not return the tuple (first, total) {said.en}.",
                                f"{said.zh}，gradients_of_two_passes(y, {who}) 返回的不是元组 (first, total)。"), nudge),
                     name=f"gradients_of_two_passes(y, {who})")
            first, total = returned
            if total is not learner[who].grad:
                fail(with_nudge(Text(f"total is not {who}.grad itself {said.en}.", f"{said.zh}，total 不是 {who}.grad 本身。"),
                           nudge), name="total")
            firsts.append((who, first, gradient))
        for name in sorted(learner, key=lambda name: name != who):
            assert_passes_in_a_run(learner[name], name, passes[name], said, nudge,
                                   Text("each call runs its passes from its own y.", "每次调用只从它自己的 y 执行反向传播。"))
        for number, (name, first, first_gradient) in enumerate(firsts):
            assert_tensor_close(first, first_gradient, name=f"first of gradients_of_two_passes(y, {name})",
                                expected_words=Text(f"what {name}.grad held after that call's first pass, {said.en}",
                                                    f"那次调用第一次反向传播之后 {name}.grad 中的值，{said.zh}"),
                                nudge=nudge if step or number + 1 < len(firsts) else None)
        assert_tensor_close(learner[who].grad, (1 if function == ERROR else 2) * gradient, name=f"{who}.grad",
                            expected_words=Text(f"the gradient of {graph_of[who]} at {who} as it is then, "
                                                f"{'once' if function == ERROR else 'twice'}, {said.en}",
                                                f"{graph_of[who]} 在调用时的 {who} 处的梯度的"
                                                f"{'一' if function == ERROR else '两'}倍，{said.zh}"), nudge=nudge)
