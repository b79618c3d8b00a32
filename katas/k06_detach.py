"""k06 · Detaching a computation · 分离计算

Sometimes part of a computation should count as a constant. Say y = x * x and
z = u * x, where u holds the values of y: if autograd traced u back to x, dz/dx would be the
derivative of x³, that is 3x². y.detach() returns a new tensor u with the same values, in the
same memory, as y, but with no record of how y was computed, so no gradient flows back through u.

x is a float32 tensor with 0 to 3 dimensions (a 0-dim tensor holding a single number, a tensor of
shape (1,), a vector, a matrix or a 3-D tensor) that records gradients, and whose x.grad is None or
holds zeros (cleared in place after an earlier use of x). Write detach_y_and_backward(x): compute y = x * x, u from y with detach(), and z = u * x, all
float32 like x; run one backward pass of z.sum() and return the tuple (y, u, z). Then
x.grad == u: u was treated as a constant. (For x = torch.arange(4.0): u = [0, 1, 4, 9] and
z = [0, 1, 8, 27].) Use detach(), not y.data: both give y's values without the history, but only
detach() shares y's version counter, with which autograd notices an in-place change to u; without
it, such a change would silently corrupt any gradient that needs y's values. The checks look at
that counter.

Detaching does not change y: y still remembers that it came from x. Write backward_through_y(x, y):
y is the y that detach_y_and_backward(x) returned, and x.grad still holds dz/dx. Clear x.grad in
place as in k04 (the same tensor, in the same memory), run one backward pass of the sum of this
very y (not of a y computed again from x), and return x.grad itself, which is now 2 * x.
Run both backward passes with backward() (or torch.autograd.backward), which fills x.grad; a
gradient written into x.grad by hand does not count. The checks call both functions many times in a
row, for several x (some with equal values, some the same x again with new values written into it in
place): each call must work from its own arguments, as they are then, and keep nothing for later
calls.

有时我们希望把计算的一部分当作常数。设 y = x * x，z = u * x，其中 u 保存 y 的值：如果自动求导沿 u
追溯回 x，dz/dx 就是 x³ 的导数，即 3x²。y.detach() 返回一个新张量 u，它与 y 的值相同、内存也相同，
但丢弃了 y 是如何计算出来的记录，因此梯度不会经由 u 流回 x。

x 是一个记录梯度的 float32 张量，有 0 到 3 个维度（保存单个数的 0 维张量、形状为 (1,) 的张量、向量、矩阵或三维张量），
它的 x.grad 是 None，或者全是 0（在之前用过 x 之后被就地清零）。编写 detach_y_and_backward(x)：
计算 y = x * x，用 detach() 从 y 得到 u，再计算 z = u * x，它们都和 x 一样是 float32；对 z.sum()
执行一次反向传播，返回元组 (y, u, z)。此时 x.grad == u：u 被当作了常数。
（当 x = torch.arange(4.0) 时：u = [0, 1, 4, 9]，z = [0, 1, 8, 27]。）要用 detach()，不要用 y.data：
两者都能得到没有计算历史的 y 的值，但只有 detach() 与 y 共享版本计数器，自动求导靠它发现对 u 的就地修改；
没有它，这种修改会悄无声息地弄错所有需要 y 的值的梯度。检查会查看这个计数器。

分离并不会改变 y：y 仍然记得自己是由 x 计算得到的。编写 backward_through_y(x, y)：y 就是
detach_y_and_backward(x) 返回的那个 y，x.grad 中仍是 dz/dx。像 k04 那样就地清零 x.grad（同一个张量、
同一块内存），从这个 y 本身的和（而不是由 x 重新算出的 y）执行一次反向传播，然后返回 x.grad 本身，
此时它等于 2 * x。两次反向传播都要用 backward()（或 torch.autograd.backward），由它来填写 x.grad；
手工写进 x.grad 的梯度不算数。检查会针对好几个 x 连续多次调用这两个函数（有的 x 值相同，有的是同一个 x 被就地写入了
新的值）：每次调用都必须依据它自己的参数（调用那一刻的参数）来完成，不为之后的调用保留任何东西。

Hints / 提示: autograd-kata hint k06    Check / 检查: autograd-kata run k06
"""

import torch


def detach_y_and_backward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Compute ``y = x * x``, then ``u``: y detached with detach(), its values as a constant
    that autograd does not trace back to x, then ``z = u * x``. Run one backward pass of
    ``z.sum()`` (so that ``x.grad`` holds dz/dx) and return the tuple ``(y, u, z)``."""
    raise NotImplementedError("k06 is not started: write `detach_y_and_backward`")


def backward_through_y(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``y`` is the y returned by ``detach_y_and_backward(x)``, and ``x.grad`` still holds
    dz/dx. Clear ``x.grad`` in place, run one backward pass of the sum of this very y, and
    return ``x.grad`` itself."""
    raise NotImplementedError("k06 is not started: write `backward_through_y`")
