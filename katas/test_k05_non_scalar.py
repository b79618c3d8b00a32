"""Checks for k05 · backward of a non-scalar (非标量的反向传播)."""
import math

import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import Text, assert_grad_from_backward, assert_tensor_equal, fail, strategies as kst
from pytest_autograd_kata.remote import RemoteException, RemoteTensor

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


def run_route(kata, name, x):
    """Run the route ``name`` on the learner's copy of x, check it left 2·x in x.grad from one
    backward pass, and return the backward passes it started."""
    __tracebackhide__ = True
    learner_x = kata.tensor(x, requires_grad=True)
    route = getattr(kata, name)
    with kata.watch(backward_calls=True) as seen:
        returned, error = call_catching(route, learner_x)
    if error is not None:
        fail(Text(f"{name}(x) raised {error.type_name}: {error.message}\n"
                  "backward() without a gradient argument works only on a scalar, and a gradient argument "
                  "must have exactly the shape of the tensor backward() starts from.",
                  f"{name}(x) 抛出了 {error.type_name}：{error.message}\n"
                  "不带 gradient 参数的 backward() 只适用于标量；gradient 参数的形状必须与调用 backward() 的张量完全相同。"),
             name=f"{name}(x)")
    if returned is not None:
        fail(Text(f"{name}(x) returned a value; return nothing: the backward pass leaves its result in x.grad, "
                  "where the checks read it.",
                  f"{name}(x) 返回了一个值；不需要返回任何值：反向传播把结果留在 x.grad 中，检查会从那里读取。"),
             name=f"{name}(x)")
    assert_grad_from_backward(learner_x, name="x.grad", passes=1)
    assert_tensor_equal(learner_x.grad, 2 * x, name="x.grad", expected_words=TWICE_X, nudge=SUM_OF_PARTIALS)
    return seen.backward_calls


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(any_shape))
def test_sum_route_gives_2x_for_every_shape(kata, device, x):
    x = x.to(device)
    calls = run_route(kata, "backward_square_by_sum", x)
    if [call["shape"] for call in calls] != [[]]:
        fail(Text("backward_square_by_sum(x) should start one backward pass, from a scalar: reduce y to one "
                  "number first, then backpropagate from that number.",
                  "backward_square_by_sum(x) 应当只从一个标量开始一次反向传播：先把 y 归约成一个数，"
                  "再从这个数开始反向传播。"), name="backward_square_by_sum(x)")


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(any_shape))
def test_ones_route_gives_2x_for_every_shape(kata, device, x):
    x = x.to(device)
    calls = run_route(kata, "backward_square_with_ones", x)
    if [(call["shape"], call["gradient"]) for call in calls] != [(list(x.shape), True)]:
        fail(Text("backward_square_with_ones(x) should start one backward pass, from y = x * x itself (shaped "
                  "like x), with a gradient argument: keep y whole and give one weight per element of y.",
                  "backward_square_with_ones(x) 应当只开始一次反向传播，从 y = x * x 本身（与 x 同形）出发，"
                  "并带上 gradient 参数：保持 y 不变，为 y 的每个元素给一个权重。"),
             name="backward_square_with_ones(x)")


def type_shown(value):
    """What a value the learner's function returned is, as its type's name (None for None)."""
    if value is None:
        return "None"
    if isinstance(value, RemoteTensor):
        return "Tensor"
    return getattr(value, "type_name", type(value).__name__).rsplit(".", 1)[-1]


def torch_says(x):
    """What torch itself raises for backward() with no argument on y = x * x, computed here on
    the check's own copy of x."""
    leaf = x.detach().clone().requires_grad_(True)
    try:
        (leaf * leaf).backward()
    except RuntimeError as err:
        return str(err)
    raise AssertionError(f"torch raised nothing for backward() on a y of shape {tuple(x.shape)}")


@example(x=BOOK_X)
@example(x=MATRIX)
@example(x=CUBE)
@given(x=kst.tensors(several_elements))
def test_plain_backward_on_a_non_scalar_raises(kata, device, x):
    x = x.to(device)
    learner_x = kata.tensor(x, requires_grad=True)
    non_scalar_backward_error = kata.non_scalar_backward_error
    with kata.watch(backward_calls=True) as seen:
        returned, escaped = call_catching(non_scalar_backward_error, learner_x)
    name = "non_scalar_backward_error(x)"
    if escaped is not None:
        fail(Text(f"{name} let the error escape ({escaped.type_name}: {escaped.message}): catch it with "
                  "try/except and return it.",
                  f"{name} 让错误抛了出来（{escaped.type_name}：{escaped.message}）：用 try/except 捕获它并返回。"),
             name=name)
    if not isinstance(returned, RemoteException):
        fail(Text(f"{name} returned {type_shown(returned)}; return the exception object itself, the "
                  "RuntimeError that y.backward() raised.",
                  f"{name} 返回的是 {type_shown(returned)}；请返回异常对象本身，即 y.backward() 抛出的那个 RuntimeError。"),
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
    plain = {"kind": "backward", "shape": list(x.shape), "gradient": False}
    if plain not in seen.backward_calls:
        fail(Text(f"{name} never called backward() with no argument on a tensor shaped like y = x * x: "
                  "the error to return is the one y.backward() raises.",
                  f"{name} 从来没有对与 y = x * x 同形的张量不带参数地调用 backward()："
                  "要返回的正是 y.backward() 抛出的错误。"), name=name)
    if learner_x.passes or learner_x.grad is not None:
        fail(Text(f"x.grad was written during {name}: the failed backward() writes nothing, so another "
                  "backward pass ran. Return the error without running one.",
                  f"{name} 执行期间 x.grad 被写入了：失败的 backward() 什么也不会写，说明另外执行了一次反向传播。"
                  "返回错误即可，不要再做反向传播。"), name="x.grad")
