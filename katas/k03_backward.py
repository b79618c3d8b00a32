"""k03 · Backward · 反向传播

Calling y.backward() on a scalar y (any tensor with one element, as backward() counts it:
0-dim, or shaped (1,) or (1, 1)) makes autograd walk the recorded graph backwards and store dy/dx in x.grad, for every tensor x that records gradients. For y = 2·xᵀx the gradient is
4·x: the book checks x.grad == 4 * x and gets True for every element.

Write backward_two_x_dot_x(x): x is a vector that records gradients, and x.grad is still None.
Compute y = 2·xᵀx, with xᵀx the dot product of x with itself, and run the backward pass from y;
return nothing. The checks look at where the backward pass starts (one pass, from y: one element,
of value 2·xᵀx), read x.grad, compare it with 4·x exactly (a y computed through x.norm() squares a
square root, and its gradient rounds off 4·x), and make sure autograd wrote it: a gradient worked
out by hand and stored in x.grad does not count. This kata teaches how backward() fills in x.grad.

对标量 y（backward() 把任何只有一个元素的张量都当作标量：0 维，或形状为 (1,)、(1, 1)）调用 y.backward()，自动求导会沿着记录下来的计算图反向计算，并把 dy/dx 存进每个
记录梯度的张量 x 的 x.grad 中。对 y = 2·xᵀx，梯度是 4·x：书中验证 x.grad == 4 * x，每个元素都是 True。

编写 backward_two_x_dot_x(x)：x 是一个记录梯度的向量，x.grad 目前还是 None。计算 y = 2·xᵀx（xᵀx 即 x 与
自身的点积），并从 y 开始执行反向传播，不需要返回任何值。检查会查看反向传播从哪里开始（只有一次，从 y 开始：
一个元素，值为 2·xᵀx），读取 x.grad，与 4·x 做精确比较（经过 x.norm() 计算的 y 先开平方再平方，
梯度会因舍入而偏离 4·x），并确认它是自动求导写进去的：
自己手算梯度再存进 x.grad 是不算数的。本练习讲的是 backward() 如何填写 x.grad。

Hints / 提示: autograd-kata hint k03    Check / 检查: autograd-kata run k03
"""

import torch


def backward_two_x_dot_x(x: torch.Tensor) -> None:
    """Compute ``y = 2·xᵀx`` and run the backward pass, so that ``x.grad`` holds dy/dx.
    Return nothing: backward() writes the gradient into ``x.grad``."""
    raise NotImplementedError("k03 is not started: write `backward_two_x_dot_x`")
