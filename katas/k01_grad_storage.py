"""k01 · Where gradients live · 梯度存在哪里

Before autograd can compute the gradient of y with respect to x, it needs a place
to store it: x.grad, a tensor of the same shape as x, allocated once and reused (we update the
same parameters thousands of times, and new memory each time would soon run out).

Write make_x(n, device) that returns x = [0., 1., ..., n-1] on the given device, as floats,
asking autograd to record operations on it. Until a backward pass runs, x.grad is None.

在计算 y 关于 x 的梯度之前，需要一个地方来存储梯度：x.grad，一个与 x 形状相同的张量，
只分配一次并反复使用（同一组参数要更新成千上万次，每次都分配新内存很快就会耗尽内存）。

编写 make_x(n, device)，在给定设备上返回浮点型的 x = [0., 1., ..., n-1]，并让自动求导记录对它的运算。
在执行反向传播之前，x.grad 是 None。

Hints / 提示: autograd-kata hint k01    Check / 检查: autograd-kata run k01
"""

import torch


def make_x(n: int, device: str = "cpu") -> torch.Tensor:
    """Return ``x = [0., 1., ..., n-1]`` (floats) on ``device``, ready to record gradients."""
    raise NotImplementedError("k01 is not started: write `make_x`")
