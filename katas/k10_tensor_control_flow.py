"""k10 · Control flow with a vector or matrix a · 向量/矩阵输入的控制流

The book's control-flow example computes d = f(a) for a random scalar a, runs
d.backward() and finds a.grad == d / a. The section's exercise asks: what happens when a is a
random vector or matrix?

Write f(a), the book's function for a float32 tensor a of any shape (b = 2·a doubled while
b.norm() is below 1000; then b if b.sum() is positive, else 100·b), returning a tensor of a's
shape and dtype; and backward_through_f(a): for an a that records gradients, compute d = f(a),
run one backward pass so that each entry a.grad[i] is ∂d[i]/∂a[i], the derivative of the matching
entry of d, and return d.

Now f(a) has a's shape: it is no longer a scalar (unless a has one element). The checks draw
float32 vectors, matrices and 3-D tensors with no zero entry, always including the edge cases of
the loop and the branch (b.norm() exactly 1000, b.sum() exactly 0), "exactly" as torch computes
b.norm() and b.sum() in float32 (the book's code run on a float32 a): a norm or a sum computed in
float64, as a sum of squares, or adding in another order can fall on the other side of the bound. They compare f(a) and the d you return with the
book's f, within torch.testing's default tolerance for float32 (rtol 1.3e-6, atol 1e-5); count
the backward passes that reach a (exactly one); and expect a.grad ≈ k in every entry, the one
number with f(a) = k·a (the book's d / a). They also call both functions again on the same a after
new values were written into it (and a.grad cleared in place), as a training loop does: each
call works from a as it is then.

书中的控制流例子对随机标量 a 计算 d = f(a)，调用 d.backward()，得到 a.grad == d / a。
本节的练习问：如果把 a 换成随机向量或矩阵，会发生什么？

编写 f(a)：书中的函数，适用于任意形状的 float32 张量 a（b = 2·a，当 b.norm() 小于 1000 时不断
翻倍；然后若 b.sum() 为正取 b，否则取 100·b），返回与 a 形状和数据类型都相同的张量；再编写
backward_through_f(a)：对一个记录梯度的 a，计算 d = f(a)，执行一次反向传播，使 a.grad 的每个
元素 a.grad[i] 都等于 ∂d[i]/∂a[i]，即 d 中对应元素的导数，并返回 d。

现在 f(a) 与 a 形状相同，不再是标量（除非 a 只有一个元素）。检查会抽取没有零元素的 float32 向量、
矩阵和三维张量，并且总会包含循环和分支的边界情况（b.norm() 恰好等于 1000，b.sum() 恰好等于 0），
“恰好”指 torch 以 float32 计算 b.norm() 和 b.sum() 的结果，也就是书中代码在 float32 的 a 上运行的结果：
用 float64 计算、写成平方和、或者换一种顺序相加得到的范数或和，可能会落到边界的另一侧。检查会把
f(a) 和你返回的 d 与书中的 f 比较，容差为 torch.testing 对 float32 的默认值（rtol 1.3e-6，
atol 1e-5）；统计到达 a 的反向传播次数（恰好一次）；并要求 a.grad 的每个元素都约等于 k，
即满足 f(a) = k·a 的那个数（也就是书中的 d / a）。检查还会像训练循环那样，在同一个 a 被就地写入新值
（并就地清除 a.grad）之后再次调用这两个函数：每次调用都依据当时的 a。

Hints / 提示: autograd-kata hint k10    Check / 检查: autograd-kata run k10
"""

import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's control-flow function, for a float32 tensor ``a`` of any shape: ``b = 2·a``,
    doubled while ``b.norm()`` is below 1000; then ``b`` if ``b.sum()`` is positive, else
    ``100·b``. Return a tensor of ``a``'s shape and dtype."""
    raise NotImplementedError("k10 is not started: write `f`")


def backward_through_f(a: torch.Tensor) -> torch.Tensor:
    """For ``a`` that records gradients, compute ``d = f(a)`` and run ONE backward pass so that
    each entry ``a.grad[i]`` is ``∂d[i]/∂a[i]``, the derivative of the matching entry of ``d``.
    Return ``d``."""
    raise NotImplementedError("k10 is not started: write `backward_through_f`")
