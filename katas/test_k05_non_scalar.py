"""Checks for k05 · backward of a non-scalar (非标量的反向传播)."""
import math

import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Text, CLEARED_AND_NEW_VALUES, assert_grad_from_backward, assert_tensor_close,
                                  assert_tensor_equal, called_before, calls_so_far, fail, later_call, shown_type,
                                  one_minus_half, steps_of, strategies as kst, which_call)
from pytest_autograd_kata.remote import RemoteException

pytestmark = pytest.mark.kata("k05")

# Vectors, matrices and 3-D tensors with sides 1 to 5, float32 within ±100 (the toolkit's
# defaults): the lesson is that the same two routes work for every shape, not only vectors.
any_shape = kst.shapes(max_dims=3)
# backward() treats a y with a single element as a scalar and raises nothing, so the error
# needs at least two elements.
several_elements = any_shape.filter(lambda shape: math.prod(shape) >= 2)

# The notes' x = torch.arange(4.0) (x.grad = [0, 2, 4, 6]); then a matrix and a 3-D tensor, on
# which a gradient sized for a vector, torch.ones(len(x)), no longer has y's shape.
BOOK_X = torch.arange(4.0)
MATRIX = torch.arange(-3.0, 3.0).reshape(2, 3)
CUBE = torch.arange(-12.0, 12.0).reshape(2, 3, 4)

# Autograd's gradient of sum(x * x) is 1·x + x·1, and 2·x is exact in floating point away from
# overflow, so x.grad equals 2 * x exactly, in x's dtype, float32.
TWICE_X = Text("2·x, the sum over y = x * x of each element's derivative",
               "2·x，即 y = x * x 各元素导数之和")
SUM_OF_PARTIALS = Text("sum the partial derivatives of every element of y, each once: a mean, or weights other "
                       "than ones, change the scale.",
                       "要的是 y 每个元素的偏导数之和，每个只算一次：取平均，或者用全 1 以外的权重，都会改变大小。")
ROUNDED = Text("x.grad is within rounding of 2·x but not equal to it: compute y = x * x and reduce it with its sum "
               "(or weight it with ones); a route through x.norm() takes a square root and squares it, and its "
               "gradient rounds.",
               "x.grad 与 2·x 只差舍入误差，但并不相等：请计算 y = x * x，再对它求和（或用全 1 加权）；"
               "经过 x.norm() 的做法先开平方再平方，梯度会有舍入误差。")
ADDED_UP = Text("2·x for each pass since x.grad was last cleared, added up",
                "自上次清除 x.grad 以来每次反向传播的 2·x 之和")


def call_catching(function, *args):
    """``function(*args)``, and the RuntimeError it raised in the learner's process, if any.
    The error is handed back rather than failed on inside ``except``, so a failure is not
    chained to it."""
    try:
        return function(*args), None
    except NotImplementedError:
        raise  # an untouched stub: reported as not started
    except RuntimeError as err:
        return None, err


def run_route(kata, name, learner_x, expected_grad, passes=1, said=None, nudge=None, answer=None):
    """Run the route ``name`` on the learner's x, check that its backward passes (``passes`` in
    all, so far) left ``expected_grad`` in x.grad, and return the backward passes it started.
    ``said`` tells a call in a row which it was; ``answer()`` gives what the call returned (or
    raises what it raised) where a run of calls made it already."""
    __tracebackhide__ = True
    route = getattr(kata, name)
    with kata.watch(backward_calls=True) as seen:
        returned, error = call_catching(answer) if answer else call_catching(route, learner_x)
    call = f"{name}(x)"
    if error is not None:
        fail(Text(f"{call} raised {error.type_name}: {error.message}\n"
                  "backward() without a gradient argument works only on a scalar, and a gradient argument "
                  "must have exactly the shape of the tensor backward() starts from.",
                  f"{call} 抛出了 {error.type_name}：{error.message}\n"
                  "不带 gradient 参数的 backward() 只适用于标量；gradient 参数的形状必须与调用 backward() 的张量完全相同。"),
             name=call)
    if returned is not None:
        fail(Text(f"{call} returned a value; return nothing: the backward pass leaves its result in x.grad, "
                  "where the checks read it.",
                  f"{call} 返回了一个值；不需要返回任何值：反向传播把结果留在 x.grad 中，检查会从那里读取。"),
             name=call)
    context = which_call(said, nudge)
    assert_grad_from_backward(learner_x, name="x.grad", passes=passes, nudge=context)
    rounded = torch.allclose(learner_x.grad.value, expected_grad)
    words = TWICE_X if said is None else Text(f"{ADDED_UP.en}, {said.en}", f"{ADDED_UP.zh}，{said.zh}")
    assert_tensor_equal(learner_x.grad, expected_grad, name="x.grad", expected_words=words,
                        nudge=nudge or (ROUNDED if rounded else SUM_OF_PARTIALS))
    return seen.backward_calls


def the_backward_start(calls: list, name: str) -> tuple[dict, dict]:
    """The one backward() pass a route started and its one root (autograd.grad fills no x.grad,
    so its passes do not count here)."""
    __tracebackhide__ = True
    passes = [call for call in calls if call["kind"] == "backward"]
    if len(passes) != 1 or len(passes[0]["roots"]) != 1:
        fail(Text(f"{name} should start one backward pass, from one tensor.",
                  f"{name} 应当只从一个张量开始一次反向传播。"), name=name)
    return passes[0], passes[0]["roots"][0]


def assert_root_is(root: dict, expected: torch.Tensor, name: str, words: Text) -> None:
    """The pass's root, whose number of elements was checked, has the values of ``expected``
    (computed here), in x's dtype, within float32's tolerance: a sum's rounding depends on the order
    of its terms."""
    __tracebackhide__ = True
    if root["value"] is None:
        fail(Text(f"{name} started its backward pass from a tensor whose values could not be read: compute y "
                  "from x on x's device, as a real floating-point tensor.",
                  f"{name} 开始反向传播的那个张量的值无法读取：请在 x 所在设备上由 x 计算 y，并保持为实数浮点张量。"),
             name=name)
    # (its shape was checked before: one element, of any shape, for the sum; x's shape for y)
    assert_tensor_close(root["value"].to(expected.dtype).reshape(expected.shape), expected,
                        name="the tensor the backward pass started from", expected_words=words)


# ‖x‖² = x.norm()**2 is the sum of y too, but its gradient 2·‖x‖·x/‖x‖ goes through a square root and
# rounds off 2·x: MATRIX tells it apart ("exactly" in the statement), x.grad[0, 0] = -5.9999995.


def check_sum_start(calls: list, x: torch.Tensor) -> None:
    """backward_square_by_sum started one backward pass, from one element: the sum of y = x * x."""
    __tracebackhide__ = True
    name = "backward_square_by_sum(x)"
    _, root = the_backward_start(calls, name)
    if math.prod(root["shape"]) != 1:
        fail(Text(f"{name} started its backward pass from a tensor of shape {tuple(root['shape'])}: start it from "
                  "a scalar (one element), the sum of y. Reduce y to one number first, then backpropagate from it.",
                  f"{name} 从一个形状为 {tuple(root['shape'])} 的张量开始了反向传播：应当从一个标量（只有一个元素），"
                  "即 y 的和开始。先把 y 归约成一个数，再从这个数开始反向传播。"), name=name)
    assert_root_is(root, (x.cpu().double() ** 2).sum().to(x.dtype), name,
                   Text("the sum of y = x * x, one number (the pass starts from the sum of y)",
                        "y = x * x 的和，一个数（反向传播从 y 的和开始）"))


def check_ones_start(calls: list, x: torch.Tensor) -> None:
    """backward_square_with_ones started one backward pass, from y = x * x itself, with a gradient."""
    __tracebackhide__ = True
    name = "backward_square_with_ones(x)"
    call, root = the_backward_start(calls, name)
    if root["is_leaf"] or root["shape"] != list(x.shape) or not call["gradient"]:
        fail(Text(f"{name} should start one backward pass, from y = x * x itself (shaped like x; not x), with a "
                  "gradient argument: keep y whole and give one weight per element of y.",
                  f"{name} 应当只开始一次反向传播，从 y = x * x 本身（与 x 同形，而不是 x）出发，"
                  "并带上 gradient 参数：保持 y 不变，为 y 的每个元素给一个权重。"), name=name)
    assert_root_is(root, (x * x).cpu(), name, Text("y = x * x (the pass starts from y itself)",
                                                   "y = x * x（反向传播从 y 本身开始）"))


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(any_shape))
def test_sum_route_gives_2x_for_every_shape(kata, device, x):
    x = x.to(device)
    check_sum_start(run_route(kata, "backward_square_by_sum", kata.tensor(x, requires_grad=True), 2 * x), x)


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(any_shape))
def test_ones_route_gives_2x_for_every_shape(kata, device, x):
    x = x.to(device)
    check_ones_start(run_route(kata, "backward_square_with_ones", kata.tensor(x, requires_grad=True), 2 * x), x)


def is_plain_backward_on_y(call: dict, x: torch.Tensor) -> bool:
    """The pass is backward() with no gradient argument, from y = x * x alone: a tensor made by
    autograd (not the leaf x) with y's values."""
    if call["kind"] != "backward" or call["gradient"] or len(call["roots"]) != 1:
        return False
    (root,) = call["roots"]
    return (not root["is_leaf"] and root["shape"] == list(x.shape) and root["value"] is not None
            and torch.allclose(root["value"].to(x.dtype), (x * x).cpu()))


def torch_says(x):
    """What torch itself raises for backward() with no argument on y = x * x, computed here on
    the check's own copy of x."""
    leaf = x.detach().clone().requires_grad_(True)
    try:
        (leaf * leaf).backward()
    except RuntimeError as err:
        return str(err)
    raise AssertionError(f"torch raised nothing for backward() on a y of shape {tuple(x.shape)}")


def check_error_route(kata, learner_x, x: torch.Tensor, said: Text | None = None, nudge: Text | None = None,
                      answer=None) -> None:
    """non_scalar_backward_error(x) returned the very RuntimeError that its own backward() with no
    argument on y = x * x raised (x as it is at this call), and wrote nothing into x.grad (the
    learner's x has none before the call). ``answer()``: as in run_route."""
    __tracebackhide__ = True
    with kata.watch(backward_calls=True) as seen:
        returned, escaped = (call_catching(answer) if answer
                             else call_catching(kata.non_scalar_backward_error, learner_x))
    name = "non_scalar_backward_error(x)"
    later_en, later_zh = (f" ({said.en}). {nudge.en}", f"（{said.zh}）。{nudge.zh}") if said and nudge else ("", "")
    if escaped is not None:
        fail(Text(f"{name} let the error escape ({escaped.type_name}: {escaped.message}): catch it with "
                  "try/except and return it.",
                  f"{name} 让错误抛了出来（{escaped.type_name}：{escaped.message}）：用 try/except 捕获它并返回。"),
             name=name)
    if not isinstance(returned, RemoteException):
        what = Text("None", "None") if returned is None else Text(f"a {shown_type(returned)}",
                                                                   f"一个 {shown_type(returned)}")
        fail(Text(f"{name} returned {what.en}; return the exception object itself, the "
                  "RuntimeError that y.backward() raised.",
                  f"{name} 返回的是 {what.zh}；请返回异常对象本身，即 y.backward() 抛出的那个 RuntimeError。"),
             name=name)
    if not returned.is_a("RuntimeError"):
        fail(Text(f"{name} returned a {returned.type_name}, not the RuntimeError that y.backward() raises for "
                  "y = x * x.",
                  f"{name} 返回的是 {returned.type_name}，而不是 y = x * x 时 y.backward() 抛出的 RuntimeError。"),
             name=name)
    if not returned.raised_through_backward or returned.raised_by_learner_code:
        # (a hook of the learner's that raises inside backward() is their code, not torch's)
        fail(Text("the returned error did not come out of PyTorch's backward(): it was created (or raised) by "
                  "your code. Call backward() on y and return what it raises.",
                  "返回的错误不是从 PyTorch 的 backward() 里出来的：它是你的代码自己创建（或抛出）的。"
                  "请对 y 调用 backward()，并返回它抛出的错误。"), name=name)
    expected = torch_says(x)
    if returned.message != expected:
        fail(Text(f"the returned error says \"{returned.message}\", but for y = x * x PyTorch says "
                  f"\"{expected}\": call backward() with no argument on y itself.",
                  f"返回的错误说的是“{returned.message}”，而对 y = x * x，PyTorch 说的是“{expected}”："
                  "请对 y 本身不带参数地调用 backward()。"), name=name)
    if not any(is_plain_backward_on_y(call, x) for call in seen.backward_calls):
        fail(Text(f"{name} never called backward() with no argument on y = x * x itself (not x, not another "
                  f"tensor shaped like it): the error to return is the one y.backward() raises{later_en}",
                  f"{name} 从来没有不带参数地对 y = x * x 本身（不是 x，也不是别的同形张量）调用 backward()："
                  f"要返回的正是 y.backward() 抛出的错误{later_zh}"), name=name)
    if learner_x.passes or learner_x.grad is not None:
        fail(Text(f"x.grad was written during {name}: the failed backward() writes nothing, so another "
                  "backward pass ran. Return the error without running one.",
                  f"{name} 执行期间 x.grad 被写入了：失败的 backward() 什么也不会写，说明另外执行了一次反向传播。"
                  "返回错误即可，不要再做反向传播。"), name="x.grad")


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(several_elements))
def test_plain_backward_on_a_non_scalar_raises(kata, device, x):
    x = x.to(device)
    check_error_route(kata, kata.tensor(x, requires_grad=True), x)


#: The calls, in order, on x, x2 (another tensor with x's values) and x3 (other values): each route
#: once, then again on the very same tensors after new values were written into them in place
#: (x.grad cleared to zeros in place first, as a training step leaves it), and the ones route
#: again on x2 without clearing, so its two passes add up. A route that kept something from an
#: earlier call (a cache keyed by x) answers for the old x.
SEQUENCE = (("backward_square_by_sum", "x"), ("backward_square_with_ones", "x2"), ("non_scalar_backward_error", "x3"),
            (CLEARED_AND_NEW_VALUES, "x"), ("backward_square_by_sum", "x"),
            (CLEARED_AND_NEW_VALUES, "x"), ("backward_square_with_ones", "x"),
            (CLEARED_AND_NEW_VALUES, "x3"), ("non_scalar_backward_error", "x3"), ("backward_square_with_ones", "x2"))
LATER_CALL = later_call(Text("its own x", "它自己的 x"))

CAST = Text("x2 is another tensor with x's values, x3 a third tensor", "x2 是与 x 值相同的另一个张量，x3 是第三个张量")


@example(x=MATRIX, other=BOOK_X)
@given(x=kst.tensors(several_elements), other=kst.tensors(several_elements))
def test_calls_in_a_row_each_answer_for_their_own_x(kata, device, x, other):
    values = {"x": x.to(device), "x2": x.to(device), "x3": other.to(device)}
    learner = {who: kata.tensor(value, requires_grad=True) for who, value in values.items()}
    expected = {who: torch.zeros_like(value) for who, value in values.items()}
    passes = dict.fromkeys(values, 0)
    with kata.watch(backward_calls=True):  # each step's passes, read by run_route and check_error_route
        run = kata.in_a_row(steps_of(kata, SEQUENCE, learner, values, one_minus_half))
    for step, (function, who) in enumerate(SEQUENCE):
        if function == CLEARED_AND_NEW_VALUES:
            if learner[who].grad is not None:
                expected[who] = torch.zeros_like(expected[who])
            next(run)
            values[who] = one_minus_half(values[who])
            continue
        said = calls_so_far(SEQUENCE[:step + 1], CAST)
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        if function == "non_scalar_backward_error":
            check_error_route(kata, learner[who], values[who], said, nudge, answer=lambda: next(run))
            continue
        passes[who] += 1
        expected[who] = expected[who] + 2 * values[who]
        calls = run_route(kata, function, learner[who], expected[who], passes[who], said, nudge,
                          answer=lambda: next(run))
        (check_sum_start if function == "backward_square_by_sum" else check_ones_start)(calls, values[who])
