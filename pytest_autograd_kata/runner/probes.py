"""Functions a check may run in the learner's process, beside the learner's code, on objects
only that process holds: ``kata.call(probes.values_and_slopes, kata.g, xs)``. What they return
is the learner's process's account, which the checks compare with what they compute themselves.
(They are part of the package that process already holds; a check cannot send new code there.)"""
from __future__ import annotations

from itertools import islice
from typing import Any, Callable

import torch

from . import facts

#: the most points of one curve a figure's description carries
MAX_POINTS = 100_000
#: the most points a figure's description carries in all: four whole curves, twice what
#: k12's check reads, and what a reply may carry (wire.REPLY's bounds leave room for them)
FIGURE_POINTS = 4 * MAX_POINTS


def describe_figure(figure: Any) -> dict:
    """A matplotlib figure as data: its class, and per axes the (x, y) data of each line, the
    first MAX_POINTS points of each, and FIGURE_POINTS in all (the first lines' first: a line
    past them comes with fewer points, or none)."""
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        return {"figure": False, "type": type(figure).__name__}
    axes, left = [], FIGURE_POINTS
    for ax in figure.axes:
        lines = []
        for line in ax.get_lines():
            xs, ys = line.get_data(orig=False)
            shown = min(MAX_POINTS, left)
            xs, ys = [float(v) for v in islice(xs, shown)], [float(v) for v in islice(ys, shown)]
            left -= max(len(xs), len(ys))
            lines.append([xs, ys])
        axes.append({"lines": lines})
    return {"figure": True, "axes": axes}


def read_file(path: str, limit: int = 16 * 2**20) -> bytes:
    """The first ``limit`` bytes of a file the learner's code wrote (b"" when there is none)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError:
        return b""


def written_in_place(tensor: torch.Tensor, values: torch.Tensor, clear_grad: bool = False) -> None:
    """New values written into the learner's tensor, as an optimizer's step does (``.grad``
    cleared to zeros first when asked): one request, with torch's functions as they were."""
    facts.write(tensor, values, clear_grad)


def grad_detached(tensor: torch.Tensor) -> torch.Tensor | None:
    """``tensor.grad.detach()``, a second tensor on ``.grad``'s memory (None when there is no
    ``.grad``): held by the check, it keeps that memory from being freed, so that new memory
    cannot be allocated at the same address and pass for it. A step of a run can ask for it.
    Read through torch's own descriptors, as a snapshot reads ``.grad``: a Tensor subclass of
    the learner's cannot answer with another tensor."""
    return facts.grad_detached(tensor)


def write_file(path: str, data: bytes) -> None:
    """``data`` written at ``path``, in place of any file there: a stale file, which a function
    of the learner's that is asked to write ``path`` must replace."""
    with open(path, "wb") as handle:
        handle.write(data)


def call(probe: Callable, *args: Any) -> Any:
    """``probe(*args)``: one request (``kata.each(probes.call, ...)``) can then mix probes."""
    return probe(*args)


def _leaf(x: torch.Tensor) -> torch.Tensor:
    return x.detach().clone().requires_grad_(True)


def value(function: Callable, x: torch.Tensor) -> torch.Tensor:
    """``function(x)`` as plain values (a fresh leaf, so nothing the learner keeps changes)."""
    return function(_leaf(x)).detach()


def vjp(function: Callable, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """vᵀ·J of ``function`` at ``x``, by the learner's graph."""
    leaf = _leaf(x)
    (grad,) = torch.autograd.grad(function(leaf), leaf, v, allow_unused=True)
    return torch.zeros_like(x) if grad is None else grad.detach()


def vjp_of_vjp(function: Callable, x: torch.Tensor, v: torch.Tensor, w: torch.Tensor) -> tuple:
    """The derivatives of ``u = vjp(function, x, v)`` along ``w``, with respect to x and v."""
    leaf, cotangent = _leaf(x), v.detach().clone().requires_grad_(True)
    (u,) = torch.autograd.grad(function(leaf), leaf, cotangent, create_graph=True, allow_unused=True)
    if u is None or not u.requires_grad:
        return torch.zeros_like(x), torch.zeros_like(v)
    dx, dv = torch.autograd.grad(u, (leaf, cotangent), w, allow_unused=True)
    return (torch.zeros_like(x) if dx is None else dx.detach(),
            torch.zeros_like(v) if dv is None else dv.detach())


def values_and_slopes(function: Callable, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``function(x)`` and its derivative by the learner's graph at each point of the 1-D
    ``points``, one call per point (``function`` takes a 0-dim tensor, and may branch on it):
    a whole grid in one request. A result that records no graph has slope 0."""
    values, slopes = [], []
    for point in points:
        leaf = _leaf(point)
        result = function(leaf)
        (slope,) = torch.autograd.grad(result, leaf, allow_unused=True) if result.requires_grad else (None,)
        values.append(result.detach())
        slopes.append(torch.zeros_like(point) if slope is None else slope.detach())
    return torch.stack(values), torch.stack(slopes)


def png_files(folder: str, limit: int = 4 * 2**20, count: int = 8) -> dict[str, bytes]:
    """The PNG files directly in ``folder`` (regular files only, never through a link), by name:
    at most ``count`` of them, each cut at ``limit`` bytes. A notebook shows them (k12's plot)."""
    import os
    import stat

    found: dict[str, bytes] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        if len(found) == count:
            break
        path = os.path.join(folder, name)
        try:
            if not name.lower().endswith(".png") or not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        with os.fdopen(fd, "rb") as handle:
            found[name] = handle.read(limit)
    return found
