"""k01 · Where gradients live · 梯度存在哪里

Before autograd can compute the gradient of y with respect to x, it needs a place
to store it: x.grad, a tensor of the same shape as x, allocated once and reused (we update the
same parameters thousands of times, and new memory each time would soon run out).

Write make_x(n, device) that returns x = [0., 1., ..., n-1] on the given device, as float32
(torch.float32), asking autograd to record operations on it. Until a backward pass runs, x.grad
is None.

Each call returns a new x with memory of its own: a caller trains the x it gets, and a later
caller must never get that x back with its x.grad filled. device is a string: the checks ask for
the CPU (and each GPU present) and for "meta", PyTorch's device that holds a tensor's shape and
dtype but no values, present on every machine. There too x must be a float32 leaf of shape (n,)
on that device that records gradients: make x on device (or move it there) before you ask
autograd to record, since a tensor moved with .to(device) after that is a copy, not a leaf.

在计算 y 关于 x 的梯度之前，需要一个地方来存储梯度：x.grad，一个与 x 形状相同的张量，
只分配一次并反复使用（同一组参数要更新成千上万次，每次都分配新内存很快就会耗尽内存）。

编写 make_x(n, device)，在给定设备上返回 float32（torch.float32）类型的 x = [0., 1., ..., n-1]，
并让自动求导记录对它的运算。在执行反向传播之前，x.grad 是 None。

每次调用都返回一个拥有自己内存的新 x：调用者会训练拿到的 x，之后的调用者绝不能再拿回这个已经填写了
x.grad 的 x。device 是一个字符串：检查会要求 CPU（以及机器上的每块 GPU），也会要求 "meta"——PyTorch
中只保存张量的形状和数据类型、不保存数值的设备，每台机器上都有。在那里 x 同样必须是该设备上形状为 (n,)、
类型为 float32、记录梯度的叶子张量：先在 device 上创建 x（或先把它移过去），再让自动求导记录，因为在那之后
用 .to(device) 移动得到的是副本，而不是叶子张量。

Hints / 提示: autograd-kata hint k01    Check / 检查: autograd-kata run k01
"""

import torch


def make_x(n: int, device: str = "cpu") -> torch.Tensor:
    """Return a new ``x = [0., 1., ..., n-1]`` (float32) on ``device``, ready to record gradients."""
    raise NotImplementedError("k01 is not started: write `make_x`")
