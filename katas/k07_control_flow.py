"""k07 · Python control flow · Python 控制流

Autograd records the operations that actually ran, so a function built from Python while
loops and if branches that depend on the data can still be differentiated. The book's f(a):
b = a * 2; while b.norm() < 1000, b = b * 2; then c = b if b.sum() > 0, else c = 100 * b. For a
scalar a, f(a) = k · a with a constant k chosen by the loop and the branch, so a.grad = k = d / a,
where d = f(a).

Write f(a); gradient_of_f(a), which computes d = f(a), runs the backward pass and returns
(a.grad, d); and agrees_with_d_over_a(grad, d, a), which says whether grad equals d / a.

The book checks a.grad == d / a, which is True for its random a, but exact == is false in general:
a.grad = k is exact, while d = f(a) and d / a are each rounded to the nearest float. For the
float32 a = -167772.75 the 100 * b branch gives a.grad = 200.0 but d / a = 200.00002. Compare with
a tolerance that suits the dtype instead.

Beware a = 0: b.norm() stays 0 and the while loop never ends. The checks never pass 0, and a check
that runs too long is stopped.

自动求导记录的是实际执行过的运算，所以即使函数中有依赖数据的 Python while 循环和 if 分支，仍然可以对它求导。
书中的 f(a)：b = a * 2；当 b.norm() < 1000 时，令 b = b * 2；然后若 b.sum() > 0，则 c = b，否则 c = 100 * b。
对标量 a，f(a) = k · a，其中常数 k 由循环和分支决定，所以 a.grad = k = d / a，这里 d = f(a)。

编写 f(a)；gradient_of_f(a)：计算 d = f(a)，执行反向传播，返回 (a.grad, d)；以及 agrees_with_d_over_a(grad, d, a)：
判断 grad 是否等于 d / a。

书中检查 a.grad == d / a，对书里随机取的 a 结果是 True，但精确的 == 一般并不成立：a.grad = k 是精确的，
而 d = f(a) 和 d / a 都各自被舍入到最近的浮点数。对 float32 的 a = -167772.75，100 * b 分支给出
a.grad = 200.0，但 d / a = 200.00002。请改用与数据类型相称的容差来比较。

注意 a = 0：b.norm() 一直是 0，while 循环永远不会结束。检查不会传入 0，运行过久的检查会被停止。

Hints / 提示: autograd-kata hint k07    Check / 检查: autograd-kata run k07
"""

import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's function: ``b = a * 2``; while the norm of b is below 1000, double b;
    then ``c = b`` if the sum of b is positive, else ``c = 100 * b``. Return c."""
    raise NotImplementedError("k07 is not started: write `f`")


def gradient_of_f(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``a`` is a scalar that records gradients. Compute ``d = f(a)``, run the backward
    pass, and return ``(a.grad, d)``."""
    raise NotImplementedError("k07 is not started: write `gradient_of_f`")


def agrees_with_d_over_a(grad: torch.Tensor, d: torch.Tensor, a: torch.Tensor) -> bool:
    """Return True when ``grad`` equals ``d / a`` up to floating-point rounding, and False
    when it is really a different number."""
    raise NotImplementedError("k07 is not started: write `agrees_with_d_over_a`")
