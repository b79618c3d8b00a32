"""k02 · Build y = 2·xᵀx · 构建计算图：y = 2·xᵀx

Take the function y = 2·xᵀx of a column vector x. Once x records gradients (k01), every
torch operation on it is written down in a computation graph, and the result remembers the
operation that produced it in y.grad_fn. For x = torch.arange(4.0) the book prints
tensor(28., grad_fn=<MulBackward0>): the last step of 2 * (dot product) is a multiplication.

Write two_x_dot_x(x): x is a vector that already records gradients. Return y = 2·xᵀx as a
0-dim tensor (shape (), as torch.dot returns it and the book prints it; a 1×1 tensor, though
backward() treats any one-element tensor as a scalar, is not 0-dim), computed from x with torch
operations so that the graph is recorded.
Do not call backward() yet: building the graph leaves x.grad at None. The checks compare y with
2·xᵀx within float32's tolerance, ask your graph for dy/dx and compare it with 4·x exactly (x.norm()
squared goes through a square root, and its gradient rounds off 4·x), and call two_x_dot_x again on
the same x after new values were written into it, as a training loop does: each call builds y
from x as it is then. This kata teaches what a recorded graph is and where to see it (y.grad_fn).

考虑列向量 x 的函数 y = 2·xᵀx。一旦 x 开始记录梯度（k01），对它的每个 torch 运算都会被记入
计算图，结果会在 y.grad_fn 中记住产生它的那一步运算。对 x = torch.arange(4.0)，书中打印出
tensor(28., grad_fn=<MulBackward0>)：2 *（点积）的最后一步是乘法。

编写 two_x_dot_x(x)：x 是一个已经记录梯度的向量。返回 0 维张量 y = 2·xᵀx（形状为 ()，
就像 torch.dot 返回、书中打印的那样；backward() 会把任何只有一个元素的张量当作标量，但 1×1 的张量
不是 0 维），要用 torch 运算由 x 计算得到，这样计算图才会被记录下来。先不要调用 backward()：只构建计算图时，x.grad 仍是 None。
检查会在 float32 的容差内把 y 与 2·xᵀx 比较，向你的计算图求 dy/dx 并与 4·x 做精确比较（x.norm() 的平方
要经过开平方，梯度会因舍入而偏离 4·x），还会像训练循环那样，在同一个 x 被就地写入新值之后再次调用
two_x_dot_x：每次调用都要由当时的 x 构建 y。
本练习讲的是什么是被记录的计算图，以及在哪里看到它（y.grad_fn）。

Hints / 提示: autograd-kata hint k02    Check / 检查: autograd-kata run k02
"""

import torch


def two_x_dot_x(x: torch.Tensor) -> torch.Tensor:
    """Return ``y = 2·xᵀx`` for the vector ``x`` (which records gradients) as a 0-dim tensor
    that autograd has recorded; do not run a backward pass."""
    raise NotImplementedError("k02 is not started: write `two_x_dot_x`")
