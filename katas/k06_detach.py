"""k06 · Detaching a computation · 分离计算

Sometimes part of a computation should count as a constant. Say y = x * x and
z = u * x, where u holds the values of y: if autograd traced u back to x, dz/dx would be the
derivative of x³, that is 3x². y.detach() returns a new tensor u with the same values, and the same
memory, as y, but with no record of how y was computed, so no gradient flows back through u.

Write detach_y_and_backward(x): compute y = x * x, u from y with detach(), and z = u * x; run the
backward pass of z.sum() and return (y, u, z). Then x.grad == u: u was treated as a constant.
(For x = torch.arange(4.0): u = [0, 1, 4, 9] and z = [0, 1, 8, 27].)

Detaching does not change y: y still remembers that it came from x. Write backward_through_y(x, y):
clear x.grad in place, run the backward pass of y.sum(), and return x.grad, which is now 2 * x.

有时我们希望把计算的一部分当作常数。设 y = x * x，z = u * x，其中 u 保存 y 的值：如果自动求导沿 u
追溯回 x，dz/dx 就是 x³ 的导数，即 3x²。y.detach() 返回一个新张量 u，它与 y 的值相同、内存也相同，但丢弃了 y
是如何计算出来的记录，因此梯度不会经由 u 流回 x。

编写 detach_y_and_backward(x)：计算 y = x * x，用 detach() 从 y 得到 u，再计算 z = u * x；对 z.sum() 执行反向传播，
返回 (y, u, z)。此时 x.grad == u：u 被当作了常数。
（当 x = torch.arange(4.0) 时：u = [0, 1, 4, 9]，z = [0, 1, 8, 27]。）

分离并不会改变 y：y 仍然记得自己是由 x 计算得到的。编写 backward_through_y(x, y)：就地清零 x.grad，
对 y.sum() 执行反向传播，并返回 x.grad，此时它等于 2 * x。

Hints / 提示: autograd-kata hint k06    Check / 检查: autograd-kata run k06
"""

import torch


def detach_y_and_backward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Compute ``y = x * x``, then ``u``: y's values as a constant that autograd does not
    trace back to x, then ``z = u * x``. Run the backward pass of ``z.sum()`` (so that
    ``x.grad`` holds dz/dx) and return ``(y, u, z)``."""
    raise NotImplementedError("k06 is not started: write `detach_y_and_backward`")


def backward_through_y(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``y`` is the y returned by ``detach_y_and_backward(x)``, and ``x.grad`` still holds
    the gradient of that kata step. Clear ``x.grad`` in place, run the backward pass of
    ``y.sum()``, and return ``x.grad``."""
    raise NotImplementedError("k06 is not started: write `backward_through_y`")
