"""Checks for k11 · design your own control-flow function (自己设计控制流).

The learner declares ``domain()`` and the ``boundaries()`` where g's path changes. A path is
the sequence of lines g runs in the learner's file, watched with ``sys.settrace``: an ``if``
that picks the other branch, or a loop that runs once more, gives a different path. So the
checks can see, without trusting any label, that g branches on x, and that it only does so at
the declared boundaries, between which g is one fixed chain of torch operations.
"""
import inspect
import math
import sys

import pytest
import torch
from hypothesis import given, strategies as st

from pytest_autograd_kata import Text, assert_gradcheck, assert_is_tensor, fail, strategies as kst

pytestmark = pytest.mark.kata("k11")

# gradcheck moves x by 1e-6 to estimate the slope; points at least 1e-3 from every boundary
# keep both moved points in the same piece, with room to spare for rounding.
MARGIN = 1e-3


def _numbers(value, function: str) -> list[float]:
    __tracebackhide__ = True
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        fail(Text(f"{function} should return a tuple of numbers, but it returned {value!r}.",
                  f"{function} 应该返回一个由数字组成的元组，但它返回了 {value!r}。"), name=function)
    if not all(math.isfinite(v) for v in numbers):
        fail(Text(f"{function} returned {value!r}: every number must be finite.",
                  f"{function} 返回了 {value!r}：每个数都必须是有限的。"), name=function)
    return numbers


def pieces(kata) -> list[tuple[float, float]]:
    """The intervals between the declared boundaries, each shrunk by MARGIN at both ends."""
    __tracebackhide__ = True
    ends = _numbers(kata.domain(), "domain()")
    if len(ends) != 2 or not ends[0] < ends[1]:
        fail(Text(f"domain() returned {ends}; it should return (low, high) with low < high.",
                  f"domain() 返回了 {ends}；它应该返回 (low, high)，且 low < high。"), name="domain()")
    low, high = ends
    cuts = sorted(set(_numbers(kata.boundaries(), "boundaries()")))
    outside = [c for c in cuts if not low < c < high]
    if outside:
        fail(Text(f"boundaries() holds {outside}, not strictly inside domain() = ({low:g}, {high:g}).",
                  f"boundaries() 中的 {outside} 不在 domain() = ({low:g}, {high:g}) 的内部。"),
             name="boundaries()")
    edges = [low, *cuts, high]
    # A piece narrower than 2·MARGIN has no point that far from both of its ends.
    usable = [(a + MARGIN, b - MARGIN) for a, b in zip(edges, edges[1:]) if b - a > 2 * MARGIN]
    if not usable:
        fail(Text(f"no point of domain() is {MARGIN:g} away from every boundary: widen domain().",
                  f"domain() 中没有离每个边界都至少 {MARGIN:g} 的点：请把 domain() 放宽。"), name="domain()")
    return usable


def point_in(piece: tuple[float, float], device: str) -> st.SearchStrategy[torch.Tensor]:
    """0-dim x in the piece, made from a drawn number so that shrinking moves toward simple
    values such as 1.0. float64, as gradcheck's finite differences need; MPS has none, so
    there x is float32 and assert_gradcheck redoes it in float64 on the CPU."""
    dtype = torch.float32 if device == "mps" else torch.float64
    return kst.elements(dtype, min_value=piece[0], max_value=piece[1]).map(
        lambda value: torch.tensor(value, dtype=dtype, device=device, requires_grad=True))


def path_of(kata, x: torch.Tensor) -> tuple[int, ...]:
    """The line numbers, in order, that ``g(x)`` runs in the learner's own file."""
    __tracebackhide__ = True
    code = getattr(inspect.unwrap(kata.g), "__code__", None)
    if code is None:
        fail(Text("g should be a function written with def in your file, so its ifs and loops can be watched.",
                  "g 应该是在你的文件中用 def 写的函数，这样才能观察它的 if 和循环。"), name="g")
    lines: list[int] = []

    def on_line(frame, event, arg):
        if event == "line":
            lines.append(frame.f_lineno)
        return on_line

    def on_call(frame, event, arg):  # follow only frames of the learner's file
        return on_line if frame.f_code.co_filename == code.co_filename else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        kata.g(x)
    finally:
        sys.settrace(previous)
    return tuple(lines)


def shown(x: torch.Tensor) -> str:
    return f"{x.item():.10g}"


@given(data=st.data())
def test_autograd_matches_finite_differences_inside_each_piece(kata, device, data):
    x = data.draw(st.sampled_from(pieces(kata)).flatmap(lambda piece: point_in(piece, device)), label="x")
    y = kata.g(x)
    assert_is_tensor(y, name="g(x)", shape=(), device=device)
    if not y.requires_grad:
        fail(Text("g(x) is not connected to x: autograd recorded nothing. Compute the result from x "
                  "with torch operations; a number taken out with x.item() or float(x) has no graph.",
                  "g(x) 与 x 没有连接：自动求导什么都没有记录。请用 torch 运算从 x 计算结果；"
                  "用 x.item() 或 float(x) 取出的数字没有计算图。"), name="g(x)")
    assert_gradcheck(kata.g, (x,), name="g'(x)",
                     nudge=Text("away from the boundaries autograd must agree with the slope of g: "
                                "did a branch use a detached tensor (detach(), .data), or does g "
                                "have a kink or a jump that boundaries() does not list?",
                                "在边界之外，自动求导的结果必须与 g 的斜率一致：是否某个分支用了分离的张量"
                                "（detach()、.data），或者 g 有未在 boundaries() 中列出的折点或跳跃？"))


@given(data=st.data())
def test_path_changes_only_at_the_boundaries(kata, device, data):
    low, high = data.draw(st.sampled_from(pieces(kata)), label="piece")
    first = data.draw(point_in((low, high), device), label="x1")
    second = data.draw(point_in((low, high), device), label="x2")
    if path_of(kata, first) != path_of(kata, second):
        fail(Text(f"g took different paths at x = {shown(first)} and x = {shown(second)} (different "
                  f"lines, or a loop run a different number of times), but boundaries() puts no "
                  f"boundary between them (both lie in ({low - MARGIN:g}, {high + MARGIN:g})). List in "
                  f"boundaries() every x where g's path changes.",
                  f"g 在 x = {shown(first)} 和 x = {shown(second)} 处走了不同的路径（运行的行不同，"
                  f"或循环次数不同），但 boundaries() 在它们之间没有边界（两者都在 "
                  f"({low - MARGIN:g}, {high + MARGIN:g}) 内）。请在 boundaries() 中列出 g 的路径发生变化的每个 x。"),
             name="boundaries()")


@given(data=st.data())
def test_g_takes_at_least_two_paths(kata, device, data):
    xs = [data.draw(point_in(piece, device), label="x") for piece in pieces(kata)]
    if len({path_of(kata, x) for x in xs}) < 2:
        fail(Text(f"g ran the same lines, the same number of times, for every x drawn "
                  f"({', '.join(shown(x) for x in xs)}; one between each pair of boundaries): its "
                  f"ifs and loops never depend on x. Make g take another branch, or loop another "
                  f"number of times, for some x, and list where that happens in boundaries().",
                  f"对抽取的每个 x（{', '.join(shown(x) for x in xs)}；每两个相邻边界之间各一个），"
                  f"g 运行的行和次数都完全相同：它的 if 和循环从不依赖 x。请让 g 对某些 x 走另一个分支，"
                  f"或循环不同的次数，并在 boundaries() 中列出发生变化的位置。"), name="g")
