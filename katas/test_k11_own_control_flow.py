"""Checks for k11 · design your own control-flow function (自己设计控制流).

The learner declares ``domain()`` and the ``boundaries()`` where g's path changes. A path is
the sequence of bytecode steps g runs in the learner's files (``kata.watch(trace=True)``): an
``if`` that picks the other branch (on lines of its own, on one line, or as a conditional
expression) or a loop that runs once more gives a different path. So the checks see, without
trusting any label, where g branches on x: the path must change at each declared boundary and
nowhere else. Between two boundaries g is then one fixed chain of torch operations, which must
be smooth: autograd's slope matches finite differences there (gradcheck), and a search on a fine
grid finds no kink or jump that a torch operation (relu, abs, where, round…) made inside a piece.
"""
import pytest
import torch
from hypothesis import given, strategies as st

from pytest_autograd_kata import (Text, assert_gradcheck, assert_is_tensor, assert_tensor_close, fail, later_call,
                                  strategies as kst, written_in_place)
from pytest_autograd_kata import probes

pytestmark = pytest.mark.kata("k11")

# gradcheck moves x by 1e-6 to estimate the slope; points at least 1e-3 from every boundary
# keep both moved points on the same side, with room to spare for rounding.
MARGIN = 1e-3
# The path sweep: about this many points over the domain (at least 3 per piece). A path call
# costs well under a millisecond, so the sweep stays a fraction of a second.
PATH_POINTS = 256
# The kink search: about this many points over the domain (at least 32 per piece) in one request.
SLOPE_POINTS = 512
# Candidate intervals (the ones whose steps stand out most, per kind of defect) are cut into
# REFINE parts, ROUNDS times over, in one request per round: an interval of the grid ends 8⁶ ≈
# 260,000 times narrower. A smooth slope's step over a part shrinks with its width (8 times per
# round); a kink's stays the size of the kink. So does a jump of the value.
CANDIDATES = 6
REFINE = 8
ROUNDS = 6
# A step that keeps at least half its size from one round to the next is a kink (a smooth
# step keeps 1/8); one smaller than this, relative to the slope or value, is float noise.
KEEPS = 0.5
NOISE = 1e-6
# A path change is located to this fraction of |x| (or of 1 near 0): about 16 bisections of a grid step.
CLOSE_ENOUGH = 1e-6


def _numbers(value, function: str) -> list[float]:
    __tracebackhide__ = True
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        fail(Text(f"{function} should return a tuple of numbers, but it returned {value!r}.",
                  f"{function} 应该返回一个由数字组成的元组，但它返回了 {value!r}。"), name=function)
    if not all(abs(v) < float("inf") for v in numbers):  # NaN fails this too
        fail(Text(f"{function} returned {value!r}: every number must be finite.",
                  f"{function} 返回了 {value!r}：每个数都必须是有限的。"), name=function)
    return numbers


class Layout:
    """What the learner declared: the boundaries (sorted), and the pieces of the domain between
    them, each shrunk by MARGIN at both ends."""

    def __init__(self, low: float, high: float, cuts: list[float]) -> None:
        self.cuts = cuts
        edges = [low, *cuts, high]
        self.pieces = [(a + MARGIN, b - MARGIN) for a, b in zip(edges, edges[1:])]


def layout(kata) -> Layout:
    __tracebackhide__ = True
    declared = kata.in_a_row([(kata.domain,), (kata.boundaries,)])  # both in one request
    ends = _numbers(next(declared), "domain()")
    if len(ends) != 2 or not ends[0] < ends[1]:
        fail(Text(f"domain() returned {ends}; it should return (low, high) with low < high.",
                  f"domain() 返回了 {ends}；它应该返回 (low, high)，且 low < high。"), name="domain()")
    low, high = ends
    cuts = sorted(set(_numbers(next(declared), "boundaries()")))
    outside = [c for c in cuts if not low < c < high]
    if outside:
        fail(Text(f"boundaries() holds {outside}, not strictly inside domain() = ({low:g}, {high:g}).",
                  f"boundaries() 中的 {outside} 不在 domain() = ({low:g}, {high:g}) 的内部。"),
             name="boundaries()")
    edges = [low, *cuts, high]
    close = [(a, b) for a, b in zip(edges, edges[1:]) if b - a <= 2 * MARGIN]
    if close:
        a, b = close[0]
        fail(Text(f"{a:g} and {b:g} (ends of domain() or boundaries) are only {b - a:g} apart: the checks "
                  f"look at g {MARGIN:g} to each side of every boundary, so keep them more than "
                  f"{2 * MARGIN:g} apart.",
                  f"{a:g} 与 {b:g}（domain() 的端点或边界）只相距 {b - a:g}：检查会在每个边界两侧各 "
                  f"{MARGIN:g} 处观察 g，所以它们之间的距离要大于 {2 * MARGIN:g}。"), name="boundaries()")
    return Layout(low, high, cuts)


def dtype_on(device: str) -> torch.dtype:
    """float64, as gradcheck's finite differences need; MPS has none, so there x is float32
    and assert_gradcheck redoes it in float64 on the CPU."""
    return torch.float32 if device == "mps" else torch.float64


def point_in(piece: tuple[float, float], device: str) -> st.SearchStrategy[torch.Tensor]:
    """0-dim x in the piece, made from a drawn number so that shrinking moves toward simple
    values such as 1.0."""
    dtype = dtype_on(device)
    return kst.elements(dtype, min_value=piece[0], max_value=piece[1]).map(
        lambda value: torch.tensor(value, dtype=dtype, device=device))


def shown(x) -> str:
    return f"{float(x):.10g}"


def paths_at(kata, xs: list[torch.Tensor]) -> list[tuple]:
    """The path ``g(x)`` takes at each x: (digest of the bytecode it ran, number of steps)."""
    with kata.watch(trace=True) as seen:
        for _ in kata.each(kata.g, [(kata.tensor(x, requires_grad=True),) for x in xs]):
            pass
    return seen.paths


def grids(shape: Layout, total: int, least: int, device: str) -> list[torch.Tensor]:
    """A grid in each piece, with points spread over the domain in proportion to the widths."""
    width = sum(b - a for a, b in shape.pieces)
    return [torch.linspace(a, b, max(least, round(total * (b - a) / width)), dtype=dtype_on(device), device=device)
            for a, b in shape.pieces]


def assert_g_is_a_scalar_of_x(kata, x: torch.Tensor) -> None:
    __tracebackhide__ = True
    y = kata.g(kata.tensor(x, requires_grad=True))
    assert_is_tensor(y, name="g(x)", shape=(), dtype=x.dtype, device=x.device,
                     nudge=Text("g returns one number as a 0-dim tensor of x's dtype: build it from x "
                                "with torch operations.",
                                "g 返回一个数，即与 x 数据类型相同的 0 维张量：请用 torch 运算由 x 构建它。"))
    if not y.requires_grad:
        fail(Text(f"g(x) at x = {shown(x)} is not connected to x: autograd recorded nothing. Compute the "
                  "result from x with torch operations; a number taken out with x.item() or float(x) has no "
                  "graph.",
                  f"x = {shown(x)} 时 g(x) 与 x 没有连接：自动求导什么都没有记录。请用 torch 运算从 x 计算结果；"
                  "用 x.item() 或 float(x) 取出的数字没有计算图。"), name="g(x)")


def fail_unlisted_change(left: float, right: float) -> None:
    __tracebackhide__ = True
    fail(Text(f"g's path changes between x = {shown(left)} and x = {shown(right)} (an if chooses the "
              f"other way there, or a loop runs a different number of times), but boundaries() lists no "
              f"boundary there. List in boundaries() every x where g's path changes.",
              f"g 的路径在 x = {shown(left)} 与 x = {shown(right)} 之间发生了变化（某个 if 在那里改选了另一个"
              f"分支，或某个循环的执行次数变了），但 boundaries() 在那里没有列出边界。请在 boundaries() "
              f"中列出 g 的路径发生变化的每个 x。"), name="boundaries()")


def locate_change(kata, left: torch.Tensor, right: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Narrow [left, right], where g's path differs at the two ends, down to where it changes."""
    (left_path,) = paths_at(kata, [left])
    while right - left > CLOSE_ENOUGH * max(1.0, abs(float(left))):
        middle = (left + right) / 2
        (path,) = paths_at(kata, [middle])
        left, right = (middle, right) if path == left_path else (left, middle)
    return left, right


@given(data=st.data())
def test_autograd_matches_finite_differences_inside_each_piece(kata, device, data):
    x = data.draw(st.sampled_from(layout(kata).pieces).flatmap(lambda piece: point_in(piece, device)), label="x")
    assert_g_is_a_scalar_of_x(kata, x)
    assert_gradcheck(kata.g, (x,), name="g'(x)",
                     nudge=Text("away from the boundaries autograd must agree with the slope of g. Does a "
                                "piece use a tensor cut from the graph (detach(), .data, x.item())? Does g's path "
                                "change near x with no boundary listed there, or does g bend or jump there?",
                                "在边界之外，自动求导的结果必须与 g 的斜率一致。是否某一段用了从计算图中切断的张量"
                                "（detach()、.data、x.item()）？g 的路径是否在 x 附近发生了变化而那里没有列出边界，"
                                "或者 g 在那里有折点或跳跃？"))


@given(data=st.data())
def test_path_is_the_same_at_two_points_of_one_piece(kata, device, data):
    low, high = data.draw(st.sampled_from(layout(kata).pieces), label="piece")
    first = data.draw(point_in((low, high), device), label="x1")
    second = data.draw(point_in((low, high), device), label="x2")
    first_path, second_path = paths_at(kata, [first, second])
    if first_path != second_path:
        fail(Text(f"g took different paths at x = {shown(first)} and x = {shown(second)} (an if chose "
                  f"differently, or a loop ran a different number of times), but boundaries() puts no "
                  f"boundary between them (both lie in ({low - MARGIN:g}, {high + MARGIN:g})). List in "
                  f"boundaries() every x where g's path changes.",
                  f"g 在 x = {shown(first)} 和 x = {shown(second)} 处走了不同的路径（某个 if 的选择不同，"
                  f"或某个循环的次数不同），但 boundaries() 在它们之间没有边界（两者都在 "
                  f"({low - MARGIN:g}, {high + MARGIN:g}) 内）。请在 boundaries() 中列出 g 的路径发生变化的每个 x。"),
             name="boundaries()")


def test_path_changes_nowhere_else_on_a_fine_grid(kata, device):
    for points in grids(layout(kata), PATH_POINTS, 3, device):
        paths = paths_at(kata, list(points))
        for i in range(len(paths) - 1):
            if paths[i] != paths[i + 1]:
                fail_unlisted_change(*locate_change(kata, points[i], points[i + 1]))


def test_each_boundary_changes_the_path(kata, device):
    shape = layout(kata)
    if not shape.cuts:
        fail(Text("boundaries() is empty, but the kata asks for a g that takes at least two paths over "
                  "domain(): make an if or a loop of g depend on x, and list in boundaries() where g's path "
                  "changes.",
                  "boundaries() 是空的，但本题要求 g 在 domain() 上至少走两条路径：让 g 的某个 if 或循环"
                  "取决于 x，并在 boundaries() 中列出 g 的路径发生变化的位置。"), name="boundaries()")
    dtype = dtype_on(device)
    for cut in shape.cuts:
        left, right = (torch.tensor(cut + side * MARGIN, dtype=dtype, device=device) for side in (-1, 1))
        left_path, right_path = paths_at(kata, [left, right])
        if left_path == right_path:
            fail(Text(f"boundaries() lists {cut:g}, but g takes the same path at x = {shown(left)} and at "
                      f"x = {shown(right)}, just either side of it. List only the x where g's path changes: "
                      f"where an if of g starts choosing the other branch, or a loop starts running a "
                      f"different number of times.",
                      f"boundaries() 列出了 {cut:g}，但 g 在它两侧紧邻的 x = {shown(left)} 和 x = {shown(right)} "
                      f"处走的是同一条路径。只列出 g 的路径发生变化的 x：g 的某个 if 开始选择另一个分支、"
                      f"或某个循环开始改变执行次数的地方。"), name="boundaries()")


class Suspect:
    """An interval of the grid where g's slope (``kind="slope"``) or value (``"value"``) may
    jump, and the size of that step at each round of refinement."""

    def __init__(self, left: torch.Tensor, right: torch.Tensor, kind: str, step: float) -> None:
        self.left, self.right, self.kind, self.steps = left, right, kind, [step]
        self.ends = (0.0, 0.0)  # the slope or the value at its two ends, once refined

    def refine(self, xs: torch.Tensor, values: torch.Tensor, slopes: torch.Tensor) -> None:
        """Keep the part of the interval (between neighbours of ``xs``) with the largest step."""
        steps = _steps(self.kind, xs, values, slopes)
        part = int(steps.argmax())
        self.left, self.right = xs[part], xs[part + 1]
        self.steps.append(float(steps[part]))
        measured = slopes if self.kind == "slope" else values
        self.ends = (float(measured[part]), float(measured[part + 1]))

    def is_a_jump(self) -> bool:
        scale = 1 + max(abs(end) for end in self.ends)
        return self.steps[-1] > NOISE * scale and self.steps[-1] >= KEEPS * self.steps[-2]


def _steps(kind: str, xs: torch.Tensor, values: torch.Tensor, slopes: torch.Tensor) -> torch.Tensor:
    """Per interval between neighbouring points: how much the slope changes over it, or how
    much the value changes beyond what the slopes at its ends account for."""
    if kind == "slope":
        return (slopes[1:] - slopes[:-1]).abs()
    widths = xs[1:] - xs[:-1]
    return (values[1:] - values[:-1] - widths * (slopes[1:] + slopes[:-1]) / 2).abs()


def _suspects(xs: torch.Tensor, values: torch.Tensor, slopes: torch.Tensor) -> list[Suspect]:
    """The intervals of one piece's grid whose steps stand out most from their neighbours'
    (a smooth function's steps change gradually from one interval to the next)."""
    found = []
    for kind in ("slope", "value"):
        steps = _steps(kind, xs, values, slopes)
        padded = torch.cat([steps[:1], steps, steps[-1:]])
        standing_out = (steps - (padded[:-2] + padded[2:]) / 2).abs()
        for i in standing_out.topk(min(CANDIDATES, len(steps))).indices.tolist():
            found.append(Suspect(xs[i], xs[i + 1], kind, float(steps[i])))
    return found


def values_and_slopes(kata, xs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """g and its derivative (by the learner's graph) at each of ``xs``, in one request, as float64."""
    values, slopes = kata.call(probes.values_and_slopes, kata.g, xs)
    return values.value.cpu().double(), slopes.value.cpu().double()


def test_g_is_smooth_between_the_boundaries(kata, device):
    shape = layout(kata)
    assert_g_is_a_scalar_of_x(kata, torch.tensor(sum(shape.pieces[0]) / 2, dtype=dtype_on(device), device=device))
    pieces = grids(shape, SLOPE_POINTS, 32, device)
    values, slopes = values_and_slopes(kata, torch.cat(pieces))
    suspects, start = [], 0
    for points in pieces:
        xs = points.cpu().double()
        piece_values, piece_slopes = values[start:start + len(xs)], slopes[start:start + len(xs)]
        start += len(xs)
        finite = piece_values.isfinite() & piece_slopes.isfinite()
        if not finite.all():
            x = xs[int((~finite).nonzero()[0])]
            fail(Text(f"g(x) or its slope is not a finite number at x = {shown(x)}, inside domain() and away "
                      f"from the boundaries, where g must be smooth.",
                      f"在 x = {shown(x)} 处，g(x) 或它的斜率不是有限的数；该点在 domain() 内且远离边界，"
                      f"g 在那里必须是光滑的。"), name="g(x)")
        suspects += _suspects(xs, piece_values, piece_slopes)
    for _ in range(ROUNDS):
        parts = [torch.linspace(float(s.left), float(s.right), REFINE + 1, dtype=torch.float64) for s in suspects]
        values, slopes = values_and_slopes(kata, torch.cat(parts).to(dtype_on(device)).to(device))
        for i, (suspect, xs) in enumerate(zip(suspects, parts)):
            span = slice(i * (REFINE + 1), (i + 1) * (REFINE + 1))
            suspect.refine(xs, values[span], slopes[span])
    jumps = sorted((s for s in suspects if s.is_a_jump()), key=lambda s: (s.kind != "value", float(s.left)))
    if not jumps:
        return
    jump = jumps[0]
    left, right = (torch.tensor(float(end), dtype=dtype_on(device), device=device) for end in (jump.left, jump.right))
    left_path, right_path = paths_at(kata, [left, right])
    if left_path != right_path:
        fail_unlisted_change(left, right)
    where = f"{float(left + right) / 2:.6g}"
    before, after = (f"{end:.6g}" for end in jump.ends)
    if jump.kind == "value":
        what = Text(f"g jumps near x = {where} (from {before} to {after})",
                    f"g 在 x = {where} 附近发生跳跃（从 {before} 变为 {after}）")
    else:
        what = Text(f"g's slope jumps near x = {where} (from {before} to {after}): g has a kink there",
                    f"g 的斜率在 x = {where} 附近突变（从 {before} 变为 {after}）：g 在那里有折点")
    fail(Text(f"{what.en}, yet g's path does not change there, and boundaries() lists no boundary there. "
              f"Between two boundaries g must be smooth: a kink or a jump belongs where an if or a loop of g "
              f"itself changes course (torch operations such as relu, abs, clamp, round or where bend or "
              f"break a function without any change of path). Make g smooth there, or write that choice as "
              f"an if of g and list it in boundaries().",
              f"{what.zh}，但 g 的路径在那里没有变化，boundaries() 也没有在那里列出边界。在两个边界之间，"
              f"g 必须是光滑的：折点或跳跃只能出现在 g 自己的 if 或循环改变走向的地方（relu、abs、clamp、"
              f"round、where 等 torch 运算会让函数弯折或断开，而路径并不改变）。请让 g 在那里保持光滑，"
              f"或者把那个选择写成 g 中的 if，并在 boundaries() 中列出它。"), name="g")


def test_g_answers_for_x_as_it_is_at_each_call(kata, device):
    """g called on one tensor, then again on the same tensor after new values were written into it
    in place (as a training step leaves it), must give what it gives for those values on a fresh
    tensor: a result kept from an earlier call (a cache keyed by x) answers for the old values."""
    pieces = layout(kata).pieces
    first, last = ((a + b) / 2 for a, b in (pieces[0], pieces[-1]))
    values = [torch.tensor(value, dtype=dtype_on(device), device=device) for value in (first, last, first)]
    fresh = [kata.g(kata.tensor(value, requires_grad=True)) for value in values]
    same_x = kata.tensor(values[0], requires_grad=True)
    for number, value in enumerate(values):
        if number:
            written_in_place(kata, same_x, value)
        obtained = kata.g(same_x)
        assert_is_tensor(obtained, name="g(x)", shape=(), dtype=value.dtype, device=value.device)
        calls = " → ".join(shown(v) for v in values[:number + 1])
        assert_tensor_close(obtained, fresh[number].value, name="g(x)",
                            expected_words=Text(f"g at x = {shown(value)}, as g gives it for a fresh tensor, on one "
                                                f"tensor x whose value went {calls} (written in place between calls)",
                                                f"g 在 x = {shown(value)} 处的值（与对新张量调用 g 的结果相同），x 是同一个张量，"
                                                f"它的值依次为 {calls}（在两次调用之间就地写入）"),
                            nudge=later_call(Text("its own x", "它自己的 x")) if number else None)
