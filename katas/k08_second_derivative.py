"""k08 · Second derivatives · 二阶导数

The section's first exercise asks why the second derivative costs much more than the first.
To differentiate a derivative, autograd must have recorded how that derivative was computed:
torch.autograd.grad(y, x, create_graph=True) returns dy/dx together with a graph of the backward
pass itself, which a plain backward pass (create_graph=False) throws away. Recording that graph
takes time and memory, and the second pass then runs backward through the forward and the backward
operations together, a larger graph than the forward one alone.

In both functions below, x is a float32 or float64 tensor with 1 to 3 dimensions (a vector, a matrix
or a 3-D tensor) that records gradients, and f is a function that acts element by element and
returns a tensor of x's shape (like torch.sin or lambda t: t ** 3; the checks pass several). Return
tensors of x's shape and dtype, computed with torch.autograd.grad, which returns the gradient instead
of adding it into x.grad as backward() does: x.grad stays None.

Write first_derivative(f, x): return dy/dx for y = f(x), element by element, as a tensor that
carries a grad_fn. Then second_derivative(f, x): d²y/dx², the derivative of the first derivative.
For f(x) = x³ it is 6x; for sin x it is -sin x. The checks call both functions many times in a row,
with several f, on the same x (its values sometimes changed in place) and on others: each call must
work from its own f and x, as they are then, and keep nothing for later calls.

本节的第一道练习问：为什么计算二阶导数比一阶导数的开销大得多？要对导数再求导，自动求导必须记录下这个导数是如何
计算出来的：torch.autograd.grad(y, x, create_graph=True) 在返回 dy/dx 的同时，还记录了反向传播本身的计算图，
而普通的反向传播（create_graph=False）会把它丢掉。记录这张图需要时间和内存，而第二次求导要反向经过正向运算和
反向运算合在一起的计算图，它比单独的正向计算图更大。

下面两个函数中，x 是记录梯度的 float32 或 float64 张量，有 1 到 3 个维度（向量、矩阵或三维张量）；f 是逐元素
作用的函数，返回与 x 形状相同的张量（例如 torch.sin 或 lambda t: t ** 3；检查会传入好几种）。返回的张量要与 x
形状相同、数据类型相同，并且要用 torch.autograd.grad 计算：它直接返回梯度，而不像 backward() 那样把梯度累加到
x.grad 中，所以 x.grad 要保持为 None。

编写 first_derivative(f, x)：逐元素返回 y = f(x) 的 dy/dx，而且结果要带有 grad_fn。再编写
second_derivative(f, x)：d²y/dx²，即一阶导数的导数。对 f(x) = x³ 结果是 6x；对 sin x 结果是 -sin x。
检查会用好几个 f 连续多次调用这两个函数，既用同一个 x（它的值有时会被就地修改），也用别的 x：每次调用都必须依据它自己的
f 和 x（调用那一刻的 f 和 x）来完成，不为之后的调用保留任何东西。

Hints / 提示: autograd-kata hint k08    Check / 检查: autograd-kata run k08
"""

from typing import Callable
import torch


def first_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """``f`` acts elementwise (like ``torch.sin``) and ``x`` records gradients. Return dy/dx
    for ``y = f(x)``, element by element, using ``torch.autograd.grad`` so that the result is
    itself part of a recorded graph and can be differentiated again. Leave ``x.grad`` alone."""
    raise NotImplementedError("k08 is not started: write `first_derivative`")


def second_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return d²y/dx² for ``y = f(x)``, element by element: the derivative of
    ``first_derivative(f, x)``, again with ``torch.autograd.grad``. Leave ``x.grad`` alone."""
    raise NotImplementedError("k08 is not started: write `second_derivative`")
