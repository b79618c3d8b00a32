"""Checks for k05 · backward of a non-scalar (非标量的反向传播)."""
import math
from pathlib import Path
from traceback import walk_tb

import pytest
import torch
from hypothesis import given, strategies as st
from torch.overrides import TorchFunctionMode

from pytest_autograd_kata import (Text, assert_grad_is_none, assert_tensor_close, assert_tensor_equal, fail,
                                  strategies as kst, watch_backward)

pytestmark = pytest.mark.kata("k05")

TORCH_DIR = str(Path(torch.__file__).parent)
TWICE_X = Text("2·x, the sum over y = x * x of each element's derivative",
               "2·x，即 y = x * x 各元素导数之和")
# Vectors, matrices and 3-D tensors with sides 1 to 5, values within ±100 (the toolkit's
# defaults): the lesson is that the same two routes work for every shape, not only vectors.
any_shape = kst.shapes(max_dims=3)
# backward() treats a y with a single element as a scalar and raises nothing, so the error
# needs at least two elements.
several_elements = any_shape.filter(lambda shape: math.prod(shape) >= 2)


def draw_x(data, device, shapes=any_shape):
    return data.draw(kst.tensors(shapes, device=device, requires_grad=True), label="x")


class BackwardCalls(TorchFunctionMode):
    """Records, for every backward pass started while active, the shape of the tensor it
    started from and whether a gradient argument was passed: the two routes of this kata
    differ only there, since both leave the same x.grad."""

    # PyTorch hands both entry points over with the tensor(s) to start from as the only
    # positional argument and the gradient under this keyword.
    GRADIENT_KEYWORD = {torch.Tensor.backward: "gradient", torch.autograd.backward: "grad_tensors"}

    def __init__(self):
        super().__init__()
        self.starts: list[tuple[torch.Size, bool]] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in self.GRADIENT_KEYWORD:
            root = args[0] if torch.is_tensor(args[0]) else args[0][0]
            self.starts.append((root.shape, kwargs.get(self.GRADIENT_KEYWORD[func]) is not None))
        return func(*args, **kwargs)


def call_learner(function, x):
    """``function(x)``, and the RuntimeError it raised, if any. The error is handed back rather
    than failed on inside ``except``: a failure chained to it would make every shrinking step
    format the error's whole traceback through torch's source files, which takes seconds."""
    try:
        return function(x), None
    except NotImplementedError:
        raise  # an untouched stub: reported as not started
    except RuntimeError as err:
        return None, err


def call_route(route, x):
    """``route(x)``, failing with a nudge when it raises a RuntimeError."""
    _, error = call_learner(route, x)
    if error is not None:
        fail(Text(f"{route.__name__}(x) raised RuntimeError: {error}\n"
                  "backward() without a gradient argument works only on a scalar, and a gradient argument "
                  "must have exactly the shape of the tensor backward() starts from.",
                  f"{route.__name__}(x) 抛出了 RuntimeError：{error}\n"
                  "不带 gradient 参数的 backward() 只适用于标量；gradient 参数的形状必须与调用 backward() 的张量完全相同。"),
             name=f"{route.__name__}(x)")


def run_route(route, x):
    """Call one route on x; return the backward passes it started."""
    with watch_backward(x) as watch, BackwardCalls() as calls:
        call_route(route, x)
    watch.assert_grad_from_backward(name="x.grad")
    assert_tensor_close(x.grad, 2 * x.detach(), name="x.grad", expected_words=TWICE_X,
                        nudge=Text("sum the partial derivatives: a mean, or a second backward pass, "
                                   "changes the scale.",
                                   "要的是偏导数之和：取平均，或者多做一次反向传播，都会改变大小。"))
    return calls.starts


@given(data=st.data())
def test_sum_route_gives_2x_for_every_shape(kata, device, data):
    x = draw_x(data, device)
    starts = run_route(kata.backward_square_by_sum, x)
    if not any(shape == () for shape, _ in starts):
        fail(Text("backward_square_by_sum never called backward() on a scalar: reduce y to one number first.",
                  "backward_square_by_sum 从来没有对标量调用 backward()：请先把 y 归约成一个数。"),
             name="backward_square_by_sum")


@given(data=st.data())
def test_ones_route_gives_2x_for_every_shape(kata, device, data):
    x = draw_x(data, device)
    starts = run_route(kata.backward_square_with_ones, x)
    if not any(shape == x.shape and given for shape, given in starts):
        fail(Text("backward_square_with_ones never called backward() on y itself with a gradient argument: "
                  "keep y = x * x whole and pass gradient=, one weight per element of y.",
                  "backward_square_with_ones 从来没有带着 gradient 参数对 y 本身调用 backward()："
                  "保持 y = x * x 不变，传入 gradient=，y 的每个元素一个权重。"),
             name="backward_square_with_ones")


@given(data=st.data())
def test_both_routes_give_the_same_gradient(kata, device, data):
    x_sum = draw_x(data, device)
    x_ones = x_sum.detach().clone().requires_grad_(True)
    call_route(kata.backward_square_by_sum, x_sum)
    call_route(kata.backward_square_with_ones, x_ones)
    assert_tensor_equal(x_ones.grad, x_sum.grad, name="x.grad (gradient=ones vs .sum())",
                        expected_words=Text("the same in both routes: a gradient of ones weighs every element "
                                            "of y as y.sum() does",
                                            "两种做法结果相同：全 1 的 gradient 对 y 每个元素的加权"
                                            "与 y.sum() 一样"),
                        nudge=Text("the checks of each route say which of the two is off.",
                                   "每种做法各自的检查会指出是哪一个不对。"))


def raised_by_backward(err: BaseException) -> bool:
    """The error went through PyTorch's backward(): one that a learner constructs or raises
    themselves has no such frame in its traceback."""
    return any(frame.f_code.co_name == "backward" and frame.f_code.co_filename.startswith(TORCH_DIR)
               for frame, _ in walk_tb(err.__traceback__))


@given(data=st.data())
def test_plain_backward_on_a_non_scalar_raises(kata, device, data):
    x = draw_x(data, device, several_elements)
    err, escaped = call_learner(kata.non_scalar_backward_error, x)
    if escaped is not None:
        fail(Text(f"non_scalar_backward_error(x) let the RuntimeError escape ({escaped}): catch it with "
                  "try/except and return it.",
                  f"non_scalar_backward_error(x) 让 RuntimeError 抛了出来（{escaped}）：用 try/except 捕获它并返回。"),
             name="non_scalar_backward_error(x)")
    if not isinstance(err, RuntimeError):
        fail(Text(f"non_scalar_backward_error(x) returned {type(err).__name__}, not the RuntimeError that "
                  "y.backward() raises for y = x * x.",
                  f"non_scalar_backward_error(x) 返回的是 {type(err).__name__}，而不是 y = x * x 时 y.backward() "
                  "抛出的 RuntimeError。"), name="non_scalar_backward_error(x)")
    if not raised_by_backward(err):
        fail(Text("the returned error was not raised by PyTorch's backward(): call y.backward() and return "
                  "what it raises, rather than creating the error yourself.",
                  "返回的错误不是 PyTorch 的 backward() 抛出的：请调用 y.backward() 并返回它抛出的错误，而不要自己创建。"),
             name="non_scalar_backward_error(x)")
    if "scalar" not in str(err):
        fail(Text(f"the returned error is about something else ({err}): call backward() with no argument on "
                  "y = x * x, which has as many elements as x.",
                  f"返回的错误说的是别的问题（{err}）：请对与 x 元素个数相同的 y = x * x 不带参数地调用 backward()。"),
             name="non_scalar_backward_error(x)")
    assert_grad_is_none(x, name="x", nudge=Text("the failed backward() wrote nothing; return the error "
                                                "without running another backward pass.",
                                                "失败的 backward() 什么也没写入；返回错误即可，"
                                                "不要再做别的反向传播。"))
