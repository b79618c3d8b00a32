"""Checks for k12 · derivative of sin without cos (不用 cos 求 sin 的导数)."""
import inspect
import math
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import numpy
import pytest
import torch
from hypothesis import given

from pytest_autograd_kata import (Text, assert_is_tensor, assert_tensor_close, fail, strategies as kst,
                                  watch_backward)

pytestmark = pytest.mark.kata("k12")

# A 1-D grid of up to 64 points within ±10, a few periods either side of 0: float32 sin and
# cos stay accurate there (huge |x| loses digits when sin reduces its argument).
grids = kst.tensors(shape=kst.shapes(min_dims=1, max_dims=1, max_side=64), min_value=-10.0, max_value=10.0)

#: every way to reach cos that the kata rules out: (where it lives, its name, as the learner writes it)
FORBIDDEN = ((torch, "cos", "torch.cos"), (torch, "cos_", "torch.cos_"),
             (torch.Tensor, "cos", "Tensor.cos"), (torch.Tensor, "cos_", "Tensor.cos_"),
             (math, "cos", "math.cos"), (numpy, "cos", "numpy.cos"))
NOT_A_SCALAR = "only for scalar outputs"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NO_MATPLOTLIB = Text("matplotlib is not installed, so the plot is not checked: "
                     "pip install matplotlib (or pytest-autograd-kata[plot]) to check it.",
                     "未安装 matplotlib，因此不检查图像：运行 pip install matplotlib"
                     "（或 pytest-autograd-kata[plot]）后即可检查。")


#: what a class's own __dict__ holds when the attribute is inherited (Tensor.cos is defined
#: on torch's C base class)
_INHERITED = object()


@contextmanager
def cos_forbidden(function: Callable) -> Iterator[dict[tuple[str, int], None]]:
    """Within the block, record every call of a FORBIDDEN cos made from ``function``'s file.

    Each cos is replaced by a spy that looks at its caller's frame, so matplotlib's own use
    of math.cos (rotating text) does not count; names the learner imported
    (``from math import cos``) are replaced in their module too. Calls still go through, so
    a learner's ``try`` cannot hide them; everything is put back on exit, also on failure."""
    learner = inspect.unwrap(function)
    filename, namespace = learner.__code__.co_filename, learner.__globals__
    calls: dict[tuple[str, int], None] = {}  # (which cos, line): each once, in call order

    def spy(label: str, original: Callable) -> Callable:
        def call(*args, **kwargs):
            caller = sys._getframe(1)
            if caller.f_code.co_filename == filename:
                calls[label, caller.f_lineno] = None
            return original(*args, **kwargs)
        return call

    spies = {id(getattr(owner, name)): spy(label, getattr(owner, name)) for owner, name, label in FORBIDDEN}
    held = [(owner, name, vars(owner).get(name, _INHERITED)) for owner, name, _ in FORBIDDEN]
    imported = {name: value for name, value in namespace.items() if id(value) in spies}
    try:
        for owner, name, _ in FORBIDDEN:
            setattr(owner, name, spies[id(getattr(owner, name))])
        namespace.update({name: spies[id(value)] for name, value in imported.items()})
        yield calls
    finally:
        for owner, name, value in held:
            if value is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
        namespace.update(imported)


def assert_no_cos(calls: dict[tuple[str, int], None], function: str) -> None:
    __tracebackhide__ = True
    if calls:
        shown = list(calls)[:3]
        listed_en = ", ".join(f"{cos} (line {line})" for cos, line in shown)
        listed_zh = "、".join(f"{cos}（第 {line} 行）" for cos, line in shown)
        fail(Text(f"while {function} ran, your file called {listed_en}. The kata asks for the derivative "
                  "of sin from autograd alone: compute sin(x), run one backward pass, read x.grad, and "
                  "no cos anywhere.",
                  f"{function} 运行期间，你的文件调用了 {listed_zh}。本题要求只靠自动求导得到 sin 的导数："
                  "计算 sin(x)，执行一次反向传播，读取 x.grad，任何地方都不要用 cos。"), name=function)


def derivative_of(kata, x: torch.Tensor) -> torch.Tensor:
    """The learner's ``sin_derivative(x)``; a plain ``y.backward()`` on the vector y = sin(x)
    gets a message of its own, since the grid makes y a vector."""
    __tracebackhide__ = True
    try:
        return kata.sin_derivative(x)
    except RuntimeError as err:
        if NOT_A_SCALAR not in str(err):
            raise
        fail(Text("y.backward() raised: on a grid, y = sin(x) is a vector, not a scalar. Reduce y to "
                  "one number first, or give backward() a weight for each entry with gradient=.",
                  "y.backward() 报错：在网格上 y = sin(x) 是向量，不是标量。先把 y 归约成一个数，"
                  "或者用 gradient= 给 backward() 指定每个元素的权重。"), name="y.backward()")


@given(x=grids)
def test_derivative_is_cos_from_one_backward_pass(kata, device, x):
    x = x.to(device).requires_grad_(True)
    with watch_backward(x) as watch:
        derivative = derivative_of(kata, x)
    watch.assert_grad_from_backward(
        name="x.grad", passes=1,
        nudge=Text("one backward pass for the whole grid, not one per point.",
                   "整个网格只做一次反向传播，而不是每个点一次。"))
    assert_is_tensor(derivative, name="sin_derivative(x)", shape=x.shape, device=device)
    assert_tensor_close(derivative, torch.cos(x.detach()), name="sin_derivative(x)",
                        expected_words=Text("cos(x) at every grid point (what calculus says; autograd must find it)",
                                            "每个网格点上的 cos(x)（微积分给出的结果；要由自动求导得到）"),
                        nudge=Text("y = sin(x) is a vector: weight each entry by 1 when you call backward().",
                                   "y = sin(x) 是向量：调用 backward() 时给每个元素权重 1。"))


@given(x=grids)
def test_cos_is_never_called(kata, device, x):
    x = x.to(device).requires_grad_(True)
    with cos_forbidden(kata.sin_derivative) as calls:
        derivative_of(kata, x)
    assert_no_cos(calls, "sin_derivative")


def assert_png(path) -> None:
    __tracebackhide__ = True
    if not path.is_file() or path.read_bytes()[:len(PNG_SIGNATURE)] != PNG_SIGNATURE:
        fail(Text(f"no PNG image at {path}: save the figure to the path you are given, as a PNG.",
                  f"{path} 处没有 PNG 图像：请把图保存到给定的路径，格式为 PNG。"), name="path")


def assert_sin_then_its_derivative(figure) -> None:
    """The figure's first curve is sin(x) and its second cos(x), over whatever grid it drew."""
    __tracebackhide__ = True
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        fail(Text(f"plot_sin_and_derivative returned {type(figure).__name__}; return the matplotlib Figure.",
                  f"plot_sin_and_derivative 返回了 {type(figure).__name__}；请返回 matplotlib 的 Figure。"),
             name="figure")
    curves = [line for axes in figure.axes for line in axes.get_lines()]
    if len(curves) < 2:
        fail(Text(f"the figure has {len(curves)} curve(s); draw sin(x) first, then its derivative.",
                  f"图中只有 {len(curves)} 条曲线；请先画 sin(x)，再画它的导数。"), name="figure")
    for curve, name, expected, words in (
            (curves[0], "first curve", torch.sin, Text("sin(x)", "sin(x)")),
            (curves[1], "second curve", torch.cos, Text("d sin(x)/dx, which is cos(x)", "d sin(x)/dx，即 cos(x)"))):
        xs, ys = (torch.as_tensor(numpy.asarray(values, dtype=numpy.float64))
                  for values in curve.get_data(orig=False))
        # A plot only has to be right to the eye: float32 curves pass, a wrong curve does not.
        assert_tensor_close(ys, expected(xs), name=name, expected_words=words, rtol=1e-4, atol=1e-4)


def test_plot_shows_sin_and_its_derivative(kata, device, tmp_path):
    matplotlib = pytest.importorskip("matplotlib", reason=str(NO_MATPLOTLIB))
    matplotlib.use("Agg")  # draw to files only: no window pops up during a check
    import matplotlib.pyplot as plt

    path = tmp_path / "sin_and_derivative.png"
    try:
        with cos_forbidden(kata.plot_sin_and_derivative) as calls:
            figure = kata.plot_sin_and_derivative(path, device)
        assert_no_cos(calls, "plot_sin_and_derivative")
        assert_png(path)
        assert_sin_then_its_derivative(figure)
    finally:
        plt.close("all")
