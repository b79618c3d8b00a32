"""Checks for k12 · derivative of sin without cos (不用 cos 求 sin 的导数).

The learner's code runs in its own process: which cos it calls, and which backward passes it
starts, are watched there (``kata.watch``); the figure it returns is described there
(``kata.describe_figure``); the PNG it writes goes to that process's scratch folder, never
anywhere else, and is read back and checked here.
"""
import importlib.util
import math
import struct
import zlib

import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Text, CLEARED_AND_NEW_VALUES, assert_grad_from_backward, assert_tensor_close,
                                  called_before, calls_so_far, fail, later_call, probes, shown_type,
                                  steps_of, strategies as kst, which_call)
from pytest_autograd_kata.remote import LearnerRaised, RemoteObject, RemoteTensor

pytestmark = pytest.mark.kata("k12")

# A 1-D float32 grid of up to 64 points within ±10, a few periods either side of 0: float32 sin
# and cos stay accurate there (huge |x| loses digits when sin reduces its argument).
grids = kst.tensors(shape=kst.shapes(min_dims=1, max_dims=1, max_side=64), min_value=-10.0, max_value=10.0)

#: every way to reach cos that the kata rules out
FORBIDDEN = ("torch.cos", "torch.cos_", "torch.Tensor.cos", "torch.Tensor.cos_", "math.cos", "numpy.cos")
NOT_A_SCALAR = "only for scalar outputs"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: the fewest points a curve of the plot may have (the statement says so)
PLOT_POINTS = 20
PLOT_FILE = "sin_and_derivative.png"
#: torch's device that holds a tensor's shape and dtype but no values, present on every machine:
#: a plot asked for there tells a grid made on the device it is given from one made on the CPU
#: (and moved, or not), which on a CPU-only machine look alike
META = "meta"
#: what torch says when code reads values from a meta tensor (.cpu(), .numpy(), .tolist(), .item())
NO_VALUES_ON_META = ("Cannot copy out of meta tensor", "can't convert meta device type tensor",
                     "cannot be called on meta tensors")
NO_MATPLOTLIB = Text("matplotlib is not installed, so the plot cannot be checked, and k12 is not done until it "
                     "is: the plot is part of the kata. Install it with pip install matplotlib.",
                     "未安装 matplotlib，因此无法检查图像；图像是本题的一部分，检查通过之前 k12 不算完成。"
                     "请用 pip install matplotlib 安装它。")
ONE_BACKWARD = Text("compute y = sin(x) from the x you were given and call backward() once for the whole grid: "
                    "autograd then leaves d sin(x)/dx in x.grad.",
                    "用传进来的 x 计算 y = sin(x)，并对整个网格只调用一次 backward()：自动求导会把 d sin(x)/dx "
                    "留在 x.grad 中。")


def assert_no_cos(calls: list[tuple[str, int]], function: str) -> None:
    __tracebackhide__ = True
    if calls:
        shown = calls[:3]
        listed_en = ", ".join(f"{cos} (line {line})" for cos, line in shown)
        listed_zh = "、".join(f"{cos}（第 {line} 行）" for cos, line in shown)
        fail(Text(f"while {function} ran, your file called {listed_en}. The kata asks for the derivative "
                  "of sin from autograd alone, with no cos anywhere.",
                  f"{function} 运行期间，你的文件调用了 {listed_zh}。本题要求只靠自动求导得到 sin 的导数，"
                  "任何地方都不要用 cos。"), name=function)


def on_a_grid(function, *args):
    """``function(*args)``, a function of the learner's that runs sin_derivative; a plain
    ``y.backward()`` on the vector y = sin(x) gets a message of its own, since the grid makes y
    a vector."""
    __tracebackhide__ = True
    try:
        return function(*args)
    except RuntimeError as err:
        if NOT_A_SCALAR not in str(err):
            raise
        fail(Text("y.backward() raised: on a grid, y = sin(x) is a vector, not a scalar. Reduce y to "
                  "one number first, or give backward() a weight for each entry with gradient=.",
                  "y.backward() 报错：在网格上 y = sin(x) 是向量，不是标量。先把 y 归约成一个数，"
                  "或者用 gradient= 给 backward() 指定每个元素的权重。"), name="y.backward()")


def assert_one_backward_pass(learner_x: RemoteTensor, calls: list[dict], passes: int = 1,
                             nudge: Text = ONE_BACKWARD) -> None:
    """x.grad was left by exactly one more backward() (not torch.autograd.grad, not by hand):
    ``passes`` so far."""
    __tracebackhide__ = True
    if learner_x.passes == 0 and any(call["kind"] == "grad" for call in calls):
        fail(Text("sin_derivative used torch.autograd.grad, which hands the gradient back without storing "
                  "it in x.grad. This kata asks for backward(), which leaves d sin(x)/dx in x.grad, and for "
                  "x.grad to be returned.",
                  "sin_derivative 使用了 torch.autograd.grad，它把梯度直接返回，而不会存进 x.grad。"
                  "本题要求用 backward() 把 d sin(x)/dx 留在 x.grad 中，并返回 x.grad。"), name="x.grad")
    assert_grad_from_backward(learner_x, name="x.grad", passes=passes, nudge=nudge)


# A grid like the plot's, with more than one point: a mean, or a backward pass per point, differs
# from one backward pass over the sum there.
@example(x=torch.linspace(-2 * math.pi, 2 * math.pi, 9))
@given(x=grids)
def test_derivative_is_cos_from_one_backward_pass(kata, device, x):
    x = x.to(device)
    assert_sin_derivative(kata, kata.tensor(x, requires_grad=True), x)


COS_WORDS = Text("cos(x) at every grid point (what calculus says; autograd must find it)",
                 "每个网格点上的 cos(x)（微积分给出的结果；要由自动求导得到）")


def assert_sin_derivative(kata, learner_x, x: torch.Tensor, passes: int = 1, said: Text | None = None,
                          nudge: Text | None = None, answer=None) -> None:
    """sin_derivative(x) left cos(x) in x.grad from one more backward pass (``passes`` so far,
    x.grad zeros before this one) and returned x.grad itself. ``answer()`` gives what that call
    returned (or raises what it raised) where a run of calls made it already."""
    __tracebackhide__ = True
    with kata.watch(backward_calls=True) as seen:
        returned = on_a_grid(answer) if answer else on_a_grid(kata.sin_derivative, learner_x)
    context = which_call(said, nudge)
    assert_one_backward_pass(learner_x, seen.backward_calls, passes, context or ONE_BACKWARD)
    if returned is not learner_x.grad:
        kind = "None" if returned is None else shown_type(returned)
        what = Text("another tensor", "另一个张量") if isinstance(returned, RemoteTensor) else Text(kind, f" {kind}")
        fail(Text(f"sin_derivative(x) returned {what.en}, not x.grad itself: return x.grad, the tensor "
                  "backward() filled in, so what you return is what autograd computed.",
                  f"sin_derivative(x) 返回的是{what.zh}，而不是 x.grad 本身：请返回 x.grad，即 backward() "
                  "填写的那个张量，这样返回的就是自动求导算出的结果。"), name="sin_derivative(x)")
    assert_tensor_close(learner_x.grad, torch.cos(x), name="x.grad",
                        expected_words=COS_WORDS if said is None else Text(f"{COS_WORDS.en}, {said.en}",
                                                                           f"{COS_WORDS.zh}，{said.zh}"),
                        nudge=nudge or Text("y = sin(x) is a vector: in the backward pass every entry of y must "
                                            "count with the same weight, 1.",
                                            "y = sin(x) 是向量：反向传播时 y 的每个元素都必须以相同的权重 1 计入。"))


#: The calls, in order, on grids x, x2 (another tensor with x's values) and x3 (other values):
#: then x and x3 again after new values were written into them in place (x.grad cleared to zeros
#: first, as a training step leaves it). A result kept from an earlier call (a cache keyed by
#: the grid) answers for the old grid.
SEQUENCE = (("sin_derivative", "x"), ("sin_derivative", "x2"), ("sin_derivative", "x3"),
            (CLEARED_AND_NEW_VALUES, "x"), ("sin_derivative", "x"), (CLEARED_AND_NEW_VALUES, "x3"),
            ("sin_derivative", "x3"), (CLEARED_AND_NEW_VALUES, "x"), ("sin_derivative", "x"))
CAST = Text("x2 is another grid with x's values, x3 a third grid", "x2 是与 x 值相同的另一个网格，x3 是第三个网格")
LATER_CALL = later_call(Text("its own x", "它自己的 x"))


def new_values(x: torch.Tensor) -> torch.Tensor:
    """What a CLEARED_AND_NEW_VALUES step writes into a grid of values ``x``: still within ±10."""
    return x / 2 + 1


@example(x=torch.linspace(-2 * math.pi, 2 * math.pi, 9), other=torch.linspace(0, 1, 5))
@given(x=grids, other=grids)
def test_calls_in_a_row_each_answer_for_their_own_x(kata, device, x, other):
    values = {"x": x.to(device), "x2": x.to(device), "x3": other.to(device)}
    learner = {who: kata.tensor(value, requires_grad=True) for who, value in values.items()}
    passes = dict.fromkeys(values, 0)
    with kata.watch(backward_calls=True):  # each step's passes, read by assert_sin_derivative
        run = kata.in_a_row(steps_of(kata, SEQUENCE, learner, values, new_values))
    for step, (function, who) in enumerate(SEQUENCE):
        if function == CLEARED_AND_NEW_VALUES:
            next(run)
            values[who] = new_values(values[who])
            continue
        passes[who] += 1
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        assert_sin_derivative(kata, learner[who], values[who], passes[who], calls_so_far(SEQUENCE[:step + 1], CAST),
                              nudge, answer=lambda: next(run))


@example(x=torch.linspace(-2 * math.pi, 2 * math.pi, 9))
@given(x=grids)
def test_cos_is_never_called(kata, device, x):
    with kata.watch(forbid=FORBIDDEN) as seen:
        on_a_grid(kata.sin_derivative, kata.tensor(x.to(device), requires_grad=True))
    assert_no_cos(seen.forbidden, "sin_derivative")


def assert_png(data: bytes) -> None:
    """``data`` is a whole PNG file: the signature, then chunks whose checksums hold, an image
    header with a size, and the end chunk."""
    __tracebackhide__ = True
    chunks, offset = [], len(PNG_SIGNATURE)
    if data.startswith(PNG_SIGNATURE):
        while offset + 12 <= len(data):
            (length,) = struct.unpack(">I", data[offset:offset + 4])
            kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
            (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length] or b"\0\0\0\0")
            if len(body) != length or zlib.crc32(kind + body) != crc:
                break
            chunks.append((kind, body))
            offset += 12 + length
    header = chunks[0][1] if chunks and chunks[0][0] == b"IHDR" else b""
    size = struct.unpack(">II", header[:8]) if len(header) >= 8 else (0, 0)
    if not (chunks and chunks[-1][0] == b"IEND" and min(size) > 0):
        # The folder differs from one learner process to the next: the message names the file only.
        fail(Text(f"no complete PNG image at the path plot_sin_and_derivative was given (…/{PLOT_FILE}): "
                  "save the figure to exactly that path, as a PNG.",
                  f"plot_sin_and_derivative 收到的路径（…/{PLOT_FILE}）处没有完整的 PNG 图像："
                  "请把图以 PNG 格式保存到这个路径。"), name="path")


#: the two curves the axes must begin with, in order: where, the function, in words, and in short
CURVES = ((Text("first", "第一条"), torch.sin, Text("sin(x)", "sin(x)"), Text("sin(x)", "sin(x)")),
          (Text("second", "第二条"), torch.cos, Text("d sin(x)/dx, which is cos(x)", "d sin(x)/dx，即 cos(x)"),
           Text("the derivative, cos(x),", "导数 cos(x)")))


def as_float64(curve) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = curve
    return torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64)


def points_of(curve) -> int:
    """How many different x values ``curve`` is drawn at: 200 copies of one point draw nothing of a curve."""
    return len(set(curve[0]))


def fits(curve, function) -> bool:
    """Every point of ``curve`` on ``function`` within the plot's tolerance (as assert_tensor_close
    below compares them)."""
    xs, ys = as_float64(curve)
    return bool(torch.isclose(ys, function(xs), rtol=1e-4, atol=1e-4).all())


def drawn_as(curve, function) -> bool:
    """``curve`` draws ``function`` (sin or cos) and not the other one (an empty line, or points
    where sin and cos agree, draw neither)."""
    other = torch.cos if function is torch.sin else torch.sin
    return fits(curve, function) and not fits(curve, other)


def draws_whole(curve, function) -> bool:
    """``curve`` draws ``function`` over a grid of at least PLOT_POINTS different points."""
    return drawn_as(curve, function) and points_of(curve) >= PLOT_POINTS


def what_is_drawn(curve) -> Text:
    for function, name in ((torch.sin, "sin(x)"), (torch.cos, "cos(x)")):
        if draws_whole(curve, function):
            return Text(name, name)
    points = points_of(curve)
    if points < PLOT_POINTS:  # too few points to call it a curve of anything
        return Text(f"a line at {points} different x value(s)", f"一条只在 {points} 个不同 x 值上的线")
    return Text(f"a line at {points} different x values that is neither sin(x) nor cos(x)",
                f"一条在 {points} 个不同 x 值上、既不是 sin(x) 也不是 cos(x) 的线")


def assert_one_axes_with_sin_then_its_derivative(figure: dict) -> None:
    """One axes, whose first line is sin(x) and second cos(x), each over a grid of its own; any
    other line comes after them."""
    __tracebackhide__ = True
    axes = figure["axes"]
    if len(axes) != 1:
        fail(Text(f"the figure has {len(axes)} axes; draw both curves on one axes, so they can be compared "
                  "point by point.",
                  f"图中有 {len(axes)} 个坐标系；请把两条曲线画在同一个坐标系中，便于逐点比较。"), name="figure")
    curves = axes[0]["lines"]
    if len(curves) < 2:
        fail(Text(f"the axes has {len(curves)} line(s); draw sin(x) first, then its derivative.",
                  f"坐标系中只有 {len(curves)} 条曲线；请先画 sin(x)，再画它的导数。"), name="figure")
    for position, (where, expected, words, short) in enumerate(CURVES):
        curve = curves[position]
        if draws_whole(curve, expected):
            continue
        name = Text(f"{where.en} curve", f"{where.zh}曲线")
        # Drawn whole, but in another place: the order is what is wrong, not this line.
        found = next((number for number, other in enumerate(curves, start=1)
                      if number != position + 1 and draws_whole(other, expected)), None)
        if found is not None:
            drawn = what_is_drawn(curve)
            fail(Text(f"the {where.en} line on the axes is {drawn.en}, but {short.en} is line {found} of the "
                      f"{len(curves)} drawn. Draw sin(x) as the first line and its derivative as the second, "
                      "before any other line.",
                      f"坐标系中的{where.zh}线是{drawn.zh}，而{short.zh}是所画 {len(curves)} 条线中的第 {found} 条。"
                      "请把 sin(x) 画成第一条线、它的导数画成第二条线，其他线都画在它们之后。"), name=name.en)
        xs, ys = as_float64(curve)
        # A plot only has to be right to the eye: float32 curves pass, a wrong curve does not.
        assert_tensor_close(ys, expected(xs), name=str(name), expected_words=words, rtol=1e-4, atol=1e-4)
        fail(Text(f"the {name.en} is drawn at {points_of(curve)} different x value(s); draw it over a grid of at "
                  f"least {PLOT_POINTS} different points.",
                  f"{name.zh}只在 {points_of(curve)} 个不同的 x 值上画出；请在至少 {PLOT_POINTS} 个不同点的网格上画它。"),
             name=name.en)


def plot(kata, path: str, device: str):
    """The learner's ``plot_sin_and_derivative(path, device)``; without matplotlib it cannot
    draw, and the kata says so rather than counting as done."""
    __tracebackhide__ = True
    try:
        return on_a_grid(kata.plot_sin_and_derivative, path, device)
    except ModuleNotFoundError as err:
        if "'matplotlib" not in err.message:
            raise
        fail(NO_MATPLOTLIB, name="matplotlib")


def test_plot_shows_sin_and_its_derivative(kata, device):
    path = f"{kata.scratch}/{PLOT_FILE}"
    with kata.watch(forbid=FORBIDDEN, backward_calls=True) as seen:
        figure = plot(kata, path, device)
    # The learner's process runs from this same install: without matplotlib here, no figure
    # can be described there either, whatever plot_sin_and_derivative returned.
    if importlib.util.find_spec("matplotlib") is None:
        fail(NO_MATPLOTLIB, name="matplotlib")
    assert_no_cos(seen.forbidden, "plot_sin_and_derivative")
    kinds = {call["kind"] for call in seen.backward_calls}
    if "backward" not in kinds:
        used_en, used_zh = (" (it used torch.autograd.grad)", "（它用的是 torch.autograd.grad）") \
            if "grad" in kinds else ("", "")
        fail(Text(f"plot_sin_and_derivative never called backward(){used_en}: draw the derivative that "
                  "sin_derivative leaves in x.grad with backward().",
                  f"plot_sin_and_derivative 从未调用 backward(){used_zh}：请画出 sin_derivative 用 backward() "
                  "留在 x.grad 中的导数。"), name="plot_sin_and_derivative")
    assert_png(kata.read_file(path))
    described = kata.describe_figure(figure) if isinstance(figure, RemoteObject) else {"figure": False}
    if not described["figure"]:
        kind = shown_type(figure)
        fail(Text(f"plot_sin_and_derivative returned {kind}; return the matplotlib Figure.",
                  f"plot_sin_and_derivative 返回了 {kind}；请返回 matplotlib 的 Figure。"), name="figure")
    assert_one_axes_with_sin_then_its_derivative(described)


#: what a file at the plot's path holds before a later call, as if left by an older run
STALE = b"not a plot: an older file at the path"


def test_each_call_writes_the_plot_again(kata, device):
    """plot_sin_and_derivative(path, device) called again on the same path, where a stale file now
    is, must draw and write the plot again: a figure kept from the first call (a cache keyed by
    path), or a check that skips the work when a file is there, leaves the stale file."""
    path = f"{kata.scratch}/{PLOT_FILE}"
    for call in range(2):
        kata.call(probes.write_file, path, STALE)
        figure = plot(kata, path, device)
        if importlib.util.find_spec("matplotlib") is None:
            fail(NO_MATPLOTLIB, name="matplotlib")
        if kata.read_file(path) == STALE:
            again = Text(", called a second time with the same path", "第二次以同一路径调用") if call else None
            fail(Text(f"plot_sin_and_derivative(path, device){again.en if again else ''} left the file that was "
                      "already at path as it was: each call draws the plot and saves it at path, replacing any "
                      "file there (as savefig does)." + (f" {LATER_CALL.en}" if call else ""),
                      f"plot_sin_and_derivative(path, device){again.zh if again else ''}没有改动 path 处原有的文件："
                      "每次调用都要画图并保存到 path，替换那里已有的文件（savefig 就是这样做的）。"
                      + (LATER_CALL.zh if call else "")), name="path")
        assert_png(kata.read_file(path))
        described = kata.describe_figure(figure) if isinstance(figure, RemoteObject) else {"figure": False}
        if described["figure"]:
            assert_one_axes_with_sin_then_its_derivative(described)


def reads_values_on_meta(raised: LearnerRaised) -> bool:
    """torch's own error, raised by torch, for code that reads values from a meta tensor."""
    return not raised.in_learner_file and any(words in raised.message for words in NO_VALUES_ON_META)


def test_plot_is_computed_on_the_device_it_is_given(kata):
    path = f"{kata.scratch}/{PLOT_FILE}"
    with kata.watch(backward_leaves=True) as seen:
        try:
            plot(kata, path, META)
            drew = True
        except LearnerRaised as raised:
            if not reads_values_on_meta(raised):
                raise
            drew = False
    if importlib.util.find_spec("matplotlib") is None:  # as in the check above: nothing was drawn anywhere
        fail(NO_MATPLOTLIB, name="matplotlib")
    elsewhere = sorted({device for leaves in seen.backward_leaves for device in leaves if device != META})
    if elsewhere:
        devices = ", ".join(elsewhere)
        fail(Text(f"while plot_sin_and_derivative(path, 'meta') ran, backward() computed the gradient of a grid "
                  f"made on {devices}, not on the device it was given: make the grid x on device, then ask autograd "
                  "to record operations on it (a tensor moved with .to(device) after that is a copy, and backward() "
                  "leaves the gradient in the tensor it was copied from).",
                  f"plot_sin_and_derivative(path, 'meta') 运行期间，backward() 计算的是在 {devices} 上创建的网格的梯度，"
                  "而不是在传入的设备上：请在 device 上创建网格 x，再让自动求导记录对它的运算（在那之后用 .to(device) "
                  "移动得到的是副本，backward() 会把梯度留在被复制的那个张量里）。"), name="device")
    if drew:
        fail(Text("plot_sin_and_derivative(path, 'meta') returned without reading a value from the meta device, "
                  "where tensors hold no values: what it drew was not computed on the device it was given. Make "
                  "the grid on device and compute the derivative there; move the results to the CPU only to draw.",
                  "plot_sin_and_derivative(path, 'meta') 没有从 meta 设备读取任何数值就返回了，而 meta 上的张量没有数值："
                  "它画出的内容不是在传入的设备上计算的。请在 device 上创建网格并在那里计算导数，只在画图时才把结果移到 CPU。"),
             name="device")
