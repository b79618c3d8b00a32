"""k10 · Control flow with a vector or matrix a · 向量/矩阵输入的控制流

The book's control-flow example computes d = f(a) for a random scalar a, runs
d.backward() and finds a.grad == d / a. The section's exercise asks: what happens when a is a
random vector or matrix?

Write f(a), the book's function for a tensor a of any shape (b = 2·a doubled while b.norm() is
below 1000; then b if b.sum() is positive, else 100·b), and backward_through_f(a): for an a that
records gradients, compute d = f(a), run one backward pass so that each entry of a.grad is the
derivative of the matching entry of d, and return d.

Now f(a) has a's shape: it is no longer a scalar. The checks draw vectors, matrices and 3-D
tensors with no zero entry, and expect a.grad ≈ d / a entry by entry, with the same number k in
every entry of a.grad.

书中的控制流例子对随机标量 a 计算 d = f(a)，调用 d.backward()，得到 a.grad == d / a。
本节的练习问：如果把 a 换成随机向量或矩阵，会发生什么？

编写 f(a)：书中的函数，适用于任意形状的张量 a（b = 2·a，当 b.norm() 小于 1000 时不断翻倍；
然后若 b.sum() 为正取 b，否则取 100·b）；再编写 backward_through_f(a)：对一个记录梯度的 a，
计算 d = f(a)，执行一次反向传播，使 a.grad 的每个元素都是 d 中对应元素的导数，并返回 d。

现在 f(a) 与 a 形状相同，不再是标量。检查会抽取没有零元素的向量、矩阵和三维张量，
要求 a.grad 逐元素约等于 d / a，并且 a.grad 的每个元素都是同一个数 k。

Hints / 提示: autograd-kata hint k10    Check / 检查: autograd-kata run k10
"""

import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's control-flow function, for a tensor ``a`` of any shape: ``b = 2·a``, doubled
    while ``b.norm()`` is below 1000; then ``b`` if ``b.sum()`` is positive, else ``100·b``.
    Return a tensor of ``a``'s shape."""
    raise NotImplementedError("k10 is not started: write `f`")


def backward_through_f(a: torch.Tensor) -> torch.Tensor:
    """For ``a`` that records gradients, compute ``d = f(a)`` and run ONE backward pass so that
    each entry of ``a.grad`` is the derivative of the matching entry of ``d``. Return ``d``."""
    raise NotImplementedError("k10 is not started: write `backward_through_f`")
