"""k11 · Design your own control-flow function · 自己设计控制流

The book shows that autograd follows Python control flow: f(a) doubled a while its
norm stayed below 1000 and picked a branch by the sign of the sum, and d.backward() still gave
the right a.grad. The section's exercise: design your own example of a gradient through control
flow, run it, and analyse the result.

Write g(x) for a 0-dim tensor x, with if / while / for whose path depends on the value of x,
so that at least two different paths occur over your domain. Then describe it: domain() returns
(low, high), the interval g is written for, and boundaries() returns every x inside it where
g's path changes (an if starts picking the other branch, a loop runs a different number of
times). g need not be differentiable at a boundary.

The checks watch which lines of g run for each x. Drawing x from domain(), always 0.001 away
from every boundary, they check that autograd's g'(x) matches finite differences (gradcheck,
in float64), that g's path never changes between two neighbouring boundaries, and that at least
two different paths occur.

书中说明了自动求导能跟随 Python 控制流：f(a) 在范数小于 1000 时不断把 a 翻倍，
并按和的符号选择分支，而 d.backward() 依然给出正确的 a.grad。本节的练习：自己设计一个
通过控制流求梯度的例子，运行它并分析结果。

对 0 维张量 x 编写 g(x)，其中 if / while / for 所走的路径取决于 x 的值，使得在你的定义域上
至少出现两条不同的路径。然后描述它：domain() 返回 (low, high)，即 g 适用的区间；
boundaries() 返回区间内 g 的路径发生变化的每个 x（某个 if 开始选择另一个分支，或某个循环
的执行次数改变）。g 在边界处不必可导。

检查会观察每个 x 下 g 运行了哪些行。它们从 domain() 中抽取 x，并始终离每个边界至少 0.001，
检查：自动求导得到的 g'(x) 与有限差分一致（gradcheck，float64）；在相邻两个边界之间 g 的
路径从不改变；并且至少出现两条不同的路径。

Hints / 提示: autograd-kata hint k11    Check / 检查: autograd-kata run k11
"""

import torch


def domain() -> tuple[float, float]:
    """Return ``(low, high)``: the interval of x your g is written for. The checks draw x
    from it."""
    raise NotImplementedError("k11 is not started: write `domain`")


def boundaries() -> tuple[float, ...]:
    """Return every x strictly inside ``domain()`` where g's path changes: where an ``if``
    starts choosing the other branch, or a loop starts running a different number of times.
    g need not be differentiable there; the checks stay 0.001 away from each boundary."""
    raise NotImplementedError("k11 is not started: write `boundaries`")


def g(x: torch.Tensor) -> torch.Tensor:
    """Your own function of a 0-dim tensor ``x``, written with Python control flow (``if``,
    ``while``, ``for``) that depends on the value of x, so that at least two different paths
    are taken over ``domain()``. Return a 0-dim tensor computed from x with torch
    operations, so autograd can differentiate it."""
    raise NotImplementedError("k11 is not started: write `g`")
