"""k11 · Design your own control-flow function · 自己设计控制流

The book shows that autograd follows Python control flow: f(a) doubled a while its
norm stayed below 1000 and picked a branch by the sign of the sum, and d.backward() still gave
the right a.grad. The section's exercise: design your own example of a gradient through control
flow, run it, and analyse the result.

Write g(x) for a 0-dim float64 tensor x (float32 on an Apple GPU, which has no float64), with
if / while / for whose path depends on the value of x, so that at least two different paths
occur over your domain; return a 0-dim tensor of x's dtype, computed from x with torch
operations. Then describe it: domain() returns a tuple (low, high) of two numbers with
low < high, the interval g is written for; boundaries() returns a tuple of every x inside it
where g's path changes (an if starts picking the other branch, a loop starts running a
different number of times), and of no other x. Keep the ends of domain() and the boundaries
more than 0.002 apart. g need not be differentiable at a boundary, but between two neighbouring
boundaries it must be smooth: no kink or jump there, such as relu, abs, clamp, round or where
make without any change of path.

A path is the sequence of bytecode steps g runs, so a one-line if, a conditional expression and
a one-line loop count as much as any other. Staying 0.001 away from every boundary, the checks
draw x from domain() and check that autograd's g'(x) matches finite differences (gradcheck, in
float64); that g's path is the same at any two points between neighbouring boundaries, drawn at
random and on a fine grid; that the path just left of each boundary differs from the path just
right of it; and, on a fine grid refined wherever the slope or the value seems to jump, that g
has no kink or jump between boundaries. They also call g again on one tensor after writing a new value
into it in place: each call must work from x as it is then, and keep nothing for later calls.

书中说明了自动求导能跟随 Python 控制流：f(a) 在范数小于 1000 时不断把 a 翻倍，
并按和的符号选择分支，而 d.backward() 依然给出正确的 a.grad。本节的练习：自己设计一个
通过控制流求梯度的例子，运行它并分析结果。

对 0 维 float64 张量 x（在没有 float64 的 Apple GPU 上为 float32）编写 g(x)，其中
if / while / for 所走的路径取决于 x 的值，使得在你的定义域上至少出现两条不同的路径；返回与 x
数据类型相同、用 torch 运算由 x 计算出的 0 维张量。然后描述它：domain() 返回由两个数组成的
元组 (low, high)，且 low < high，即 g 适用的区间；boundaries() 返回一个元组，列出区间内 g 的
路径发生变化的每个 x（某个 if 开始选择另一个分支，或某个循环开始改变执行次数），除此之外
不列任何 x。domain() 的端点与各个边界之间要相距 0.002 以上。g 在边界处不必可导，但在相邻
两个边界之间必须是光滑的：那里不能有折点或跳跃，例如 relu、abs、clamp、round 或 where 在
路径不变的情况下造成的那种。

路径是 g 运行的字节码步骤序列，所以写在一行里的 if、条件表达式和写在一行里的循环都同样算数。
检查始终离每个边界至少 0.001：从 domain() 中抽取 x，检查自动求导得到的 g'(x) 与有限差分一致
（gradcheck，float64）；在相邻两个边界之间任取两点（随机抽取，也在细网格上逐点检查），g 的
路径都相同；每个边界左侧紧邻处的路径与右侧紧邻处的路径不同；并在细网格上、在斜率或函数值
看起来发生跳跃的地方继续加密，确认 g 在边界之间没有折点或跳跃。检查还会在就地给同一个张量写入新的值之后再次
调用 g：每次调用都必须依据调用那一刻的 x 来完成，不为之后的调用保留任何东西。

Hints / 提示: autograd-kata hint k11    Check / 检查: autograd-kata run k11
"""

import torch


def domain() -> tuple[float, float]:
    """Return a tuple ``(low, high)`` of two numbers, ``low < high``: the interval of x your g
    is written for. The checks draw x from it."""
    raise NotImplementedError("k11 is not started: write `domain`")


def boundaries() -> tuple[float, ...]:
    """Return a tuple of every x strictly inside ``domain()`` where g's path changes (where an
    ``if`` starts choosing the other branch, or a loop starts running a different number of
    times), and of no other x; ends of ``domain()`` and boundaries more than 0.002 apart. g
    need not be differentiable there; the checks stay 0.001 away from each boundary."""
    raise NotImplementedError("k11 is not started: write `boundaries`")


def g(x: torch.Tensor) -> torch.Tensor:
    """Your own function of a 0-dim float64 tensor ``x``, written with Python control flow
    (``if``, ``while``, ``for``) that depends on the value of x, so that at least two different
    paths are taken over ``domain()``. Return a 0-dim tensor of x's dtype computed from x with
    torch operations, so autograd can differentiate it; smooth between neighbouring
    boundaries (no kink or jump where the path does not change)."""
    raise NotImplementedError("k11 is not started: write `g`")
