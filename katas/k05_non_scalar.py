"""k05 · Backward of a non-scalar · 非标量的反向传播

backward() with no argument works only for a scalar. For y = x * x, a tensor shaped like x,
PyTorch needs to know how to combine the elements of y. In deep learning we want the sum of the
partial derivatives of every element, so either reduce y with y.sum() first, or pass
gradient=torch.ones_like(y), one weight per element of y. Both give x.grad = 2·x.

x records gradients and may be a vector, a matrix or a 3-D tensor. With y = x * x, write:
- backward_square_by_sum(x): run the backward pass through the sum of y;
- backward_square_with_ones(x): call backward on y itself, passing a gradient of ones shaped like y;
- non_scalar_backward_error(x): call y.backward() with no argument, catch the RuntimeError PyTorch
  raises, and return it (x has at least two elements: backward() treats a one-element y as a scalar).
The checks compare x.grad with 2·x for every shape, check that both routes agree, and that the
returned error really came from backward(). This kata teaches why a non-scalar output needs a
reduction or a gradient argument.

不带参数的 backward() 只适用于标量。y = x * x 是一个与 x 形状相同的张量，PyTorch 需要知道
如何把 y 的各个元素合起来。深度学习中我们要的是每个元素偏导数之和，所以要么先用 y.sum() 把 y 变成
标量，要么传入 gradient=torch.ones_like(y)，即 y 的每个元素一个权重。两种做法都得到 x.grad = 2·x。

x 记录梯度，可以是向量、矩阵或三维张量。令 y = x * x，编写：
- backward_square_by_sum(x)：对 y 的和执行反向传播；
- backward_square_with_ones(x)：直接对 y 调用 backward，传入与 y 形状相同的全 1 梯度；
- non_scalar_backward_error(x)：不带参数调用 y.backward()，捕获 PyTorch 抛出的 RuntimeError 并返回它
  （x 至少有两个元素：只有一个元素的 y 会被 backward() 当作标量）。
检查会对每种形状把 x.grad 与 2·x 比较，确认两种做法结果一致，并确认返回的错误确实来自 backward()。
本练习讲的是为什么非标量的输出需要先求和，或者传入 gradient 参数。

Hints / 提示: autograd-kata hint k05    Check / 检查: autograd-kata run k05
"""

import torch


def backward_square_by_sum(x: torch.Tensor) -> None:
    """For ``y = x * x`` (same shape as ``x``), fill ``x.grad`` with the sum of the partial
    derivatives of y's elements by first reducing y to a scalar."""
    raise NotImplementedError("k05 is not started: write `backward_square_by_sum`")


def backward_square_with_ones(x: torch.Tensor) -> None:
    """Same gradient as :func:`backward_square_by_sum`, but call backward on the non-scalar
    ``y = x * x`` itself, passing ``gradient=``: one weight per element of y."""
    raise NotImplementedError("k05 is not started: write `backward_square_with_ones`")


def non_scalar_backward_error(x: torch.Tensor) -> RuntimeError:
    """Call ``y.backward()`` with no argument on ``y = x * x`` (``x`` has at least two
    elements), catch the error PyTorch raises, and return it."""
    raise NotImplementedError("k05 is not started: write `non_scalar_backward_error`")
