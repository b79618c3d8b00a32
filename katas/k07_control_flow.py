"""k07 · Python control flow · Python 控制流

Autograd records the operations that actually ran, so a function built from Python while
loops and if branches that depend on the data can still be differentiated. The book's f(a):
b = a * 2; while b.norm() < 1000, b = b * 2; then c = b if b.sum() > 0, else c = 100 * b. For a
scalar a, f(a) = k · a with a constant k chosen by the loop and the branch, so a.grad = k = d / a,
where d = f(a).

The book checks a.grad == d / a, which is True for its random a, but exact == is false in general:
a.grad = k is exact, while d = f(a) and d / a are each rounded to the nearest float. For the
float32 a = -167772.75 the 100 * b branch gives a.grad = 200.0 but d / a = 200.00002.

Everywhere below, a is a 0-dim tensor (a scalar, like the book's torch.randn(size=())), float32 or
float64, and never 0; the tensors you return keep a's dtype.

Write f(a): a records gradients; return d = f(a), computed from a with tensor operations so that
autograd records them. Then gradient_of_f(a): compute d = f(a), run one backward pass, and return
the tuple (a.grad, d), where a.grad is the very tensor the backward pass left in a.grad (not a copy,
not d / a).

Then agrees_with_d_over_a(grad, d, a): grad, d and a are 0-dim tensors of one dtype that record no
gradients, of either sign. Return True when grad equals d / a up to a tolerance that suits the dtype,
False otherwise (a Python bool; a one-element boolean tensor or NumPy value counts too). That
tolerance is the one torch.testing.assert_close uses by default: |grad − d / a| ≤ atol + rtol·|d / a|,
with rtol = 1.3e-6 and atol = 1e-5 for float32, rtol = 1e-7 and atol = 1e-7 for float64. The checks
give grad values within half this tolerance of d / a, which must count as equal, and values twice as
far or more, which must not; so any usual way of writing this comparison works.

The checks also call each function again on the very tensors of an earlier call, after writing new
values into them in place (and, for gradient_of_f, after clearing a.grad to zeros in place): each
call must work from its arguments as they are then, and keep nothing for later calls.

Beware a = 0: b.norm() stays 0 and the while loop never ends. The checks never pass 0, and a check
that runs too long is stopped.

自动求导记录的是实际执行过的运算，所以即使函数中有依赖数据的 Python while 循环和 if 分支，仍然可以对它求导。
书中的 f(a)：b = a * 2；当 b.norm() < 1000 时，令 b = b * 2；然后若 b.sum() > 0，则 c = b，否则 c = 100 * b。
对标量 a，f(a) = k · a，其中常数 k 由循环和分支决定，所以 a.grad = k = d / a，这里 d = f(a)。

书中检查 a.grad == d / a，对书里随机取的 a 结果是 True，但精确的 == 一般并不成立：a.grad = k 是精确的，
而 d = f(a) 和 d / a 都各自被舍入到最近的浮点数。对 float32 的 a = -167772.75，100 * b 分支给出
a.grad = 200.0，但 d / a = 200.00002。

以下各处的 a 都是 0 维张量（标量，和书中的 torch.randn(size=()) 一样），数据类型为 float32 或 float64，
并且不会是 0；你返回的张量要保持 a 的数据类型。

编写 f(a)：a 记录梯度；返回 d = f(a)，要用张量运算由 a 计算，这样自动求导才会记录下来。然后编写
gradient_of_f(a)：计算 d = f(a)，执行一次反向传播，返回元组 (a.grad, d)，其中 a.grad 必须就是反向传播
留在 a.grad 中的那个张量本身（不是它的拷贝，也不是 d / a）。

再编写 agrees_with_d_over_a(grad, d, a)：grad、d 和 a 是同一数据类型、不记录梯度的 0 维张量，正负都有可能。
当 grad 在与数据类型相称的容差内等于 d / a 时返回 True，否则返回 False（返回 Python 的 bool；只含一个元素的
布尔张量或 NumPy 值也可以）。这个容差就是 torch.testing.assert_close 默认使用的容差：
|grad − d / a| ≤ atol + rtol·|d / a|，float32 取 rtol = 1.3e-6、atol = 1e-5，float64 取 rtol = 1e-7、atol = 1e-7。
检查会给出与 d / a 相差不超过这个容差一半的 grad，它们必须算作相等；也会给出相差两倍容差或更多的 grad，
它们必须算作不等。所以这个比较用任何常见的写法都可以。

检查还会在就地给之前某次调用的那些张量写入新的值之后（对 gradient_of_f，还会先就地把 a.grad 清零），用这些张量
再次调用各个函数：每次调用都必须依据调用那一刻的参数来完成，不为之后的调用保留任何东西。

注意 a = 0：b.norm() 一直是 0，while 循环永远不会结束。检查不会传入 0，运行过久的检查会被停止。

Hints / 提示: autograd-kata hint k07    Check / 检查: autograd-kata run k07
"""

import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's function: ``b = a * 2``; while the norm of b is below 1000, double b;
    then ``c = b`` if the sum of b is positive, else ``c = 100 * b``. Return c."""
    raise NotImplementedError("k07 is not started: write `f`")


def gradient_of_f(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``a`` is a scalar that records gradients. Compute ``d = f(a)``, run one backward
    pass, and return ``(a.grad, d)``: the tensor the backward pass left in ``a.grad`` itself."""
    raise NotImplementedError("k07 is not started: write `gradient_of_f`")


def agrees_with_d_over_a(grad: torch.Tensor, d: torch.Tensor, a: torch.Tensor) -> bool:
    """Return True when ``grad`` equals ``d / a`` within the tolerance that suits their
    dtype (torch.testing's defaults, see the statement), and False when it does not."""
    raise NotImplementedError("k07 is not started: write `agrees_with_d_over_a`")
