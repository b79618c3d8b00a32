"""k05 · Backward of a non-scalar · 非标量的反向传播

backward() with no argument works only for a scalar: a tensor with one element (0-dim like
y.sum(), or shaped (1,), (1, 1)...). For y = x * x, a tensor shaped like x,
PyTorch needs to know how to combine the elements of y. In deep learning we want the sum of the
partial derivatives of every element, so either reduce y to a scalar with its sum first, or pass
a gradient argument: one weight per element of y, all ones. Both give x.grad = 2·x.

x is a float32 tensor that records gradients: a vector, a matrix or a 3-D tensor, whose x.grad
is None. With y = x * x, write:
- backward_square_by_sum(x): run one backward pass, from the sum of y (a scalar: 0-dim, or kept
  with keepdim=True); return nothing;
- backward_square_with_ones(x): run one backward pass from y itself (not x), passing a gradient of
  ones shaped like y; return nothing;
- non_scalar_backward_error(x): call backward() on y itself (not x) with no argument (x has at least two
  elements: backward() treats a one-element y as a scalar), catch the RuntimeError PyTorch
  raises, and return that very exception object; run no other backward pass.
Use backward() (y.backward() or torch.autograd.backward): torch.autograd.grad does not fill
x.grad. The checks compare x.grad with 2·x exactly for every shape (‖x‖² through x.norm() squares a
square root, and its gradient rounds off 2·x), look at where each backward pass starts (the
tensor's values and shape, and whether a gradient argument was given), and check that the returned error came out of backward() with PyTorch's own
message. They also call each function again on the same x after new values were written into it
(and x.grad cleared in place), as a training loop does: each call works from x as it is then,
and its pass adds to what x.grad holds. This kata teaches why a non-scalar output needs a reduction or a gradient argument.

不带参数的 backward() 只适用于标量，即只有一个元素的张量（像 y.sum() 那样的 0 维张量，
或形状为 (1,)、(1, 1)……的张量）。y = x * x 是一个与 x 形状相同的张量，PyTorch 需要知道
如何把 y 的各个元素合起来。深度学习中我们要的是每个元素偏导数之和，所以要么先对 y 求和，把它变成
标量，要么传入一个 gradient 参数：y 的每个元素一个权重，全都是 1。两种做法都得到 x.grad = 2·x。

x 是一个记录梯度的 float32 张量，可以是向量、矩阵或三维张量，它的 x.grad 为 None。令 y = x * x，编写：
- backward_square_by_sum(x)：从 y 的和（一个标量：0 维，或用 keepdim=True 保留维度）开始执行一次
  反向传播，不需要返回任何值；
- backward_square_with_ones(x)：从 y 本身（而不是 x）开始执行一次反向传播，传入与 y 形状相同的全 1 梯度，
  不需要返回任何值；
- non_scalar_backward_error(x)：不带参数地对 y 本身（而不是 x）调用 backward()（x 至少有两个元素：只有一个元素的 y
  会被 backward() 当作标量），捕获 PyTorch 抛出的 RuntimeError，并返回这个异常对象本身；
  不要再做别的反向传播。
反向传播要用 backward()（y.backward() 或 torch.autograd.backward）：torch.autograd.grad 不会填写 x.grad。
检查会对每种形状把 x.grad 与 2·x 做精确比较（经过 x.norm() 的 ‖x‖² 先开平方再平方，梯度会因舍入
而偏离 2·x），查看每次反向传播从哪里开始（那个张量的值和形状，以及是否传入了 gradient 参数），并确认返回的错误确实出自
backward()，带着 PyTorch 自己的报错信息。检查还会像训练循环那样，在同一个 x 被就地写入新值（并就地清除
x.grad）之后再次调用每个函数：每次调用都依据当时的 x，它的反向传播会累加到 x.grad 已有的值上。本练习讲的是为什么非标量的输出需要先求和，或者传入 gradient 参数。

Hints / 提示: autograd-kata hint k05    Check / 检查: autograd-kata run k05
"""

import torch


def backward_square_by_sum(x: torch.Tensor) -> None:
    """For ``y = x * x`` (same shape as ``x``), fill ``x.grad`` with the sum of the partial
    derivatives of y's elements: one backward pass, from the sum of y. Return nothing."""
    raise NotImplementedError("k05 is not started: write `backward_square_by_sum`")


def backward_square_with_ones(x: torch.Tensor) -> None:
    """Same gradient as :func:`backward_square_by_sum`, but one backward pass from the
    non-scalar ``y = x * x`` itself, with a gradient argument: one weight per element of y,
    all ones. Return nothing."""
    raise NotImplementedError("k05 is not started: write `backward_square_with_ones`")


def non_scalar_backward_error(x: torch.Tensor) -> RuntimeError:
    """Call backward() with no argument on ``y = x * x`` (``x`` has at least two elements),
    catch the RuntimeError PyTorch raises, and return that exception object itself."""
    raise NotImplementedError("k05 is not started: write `non_scalar_backward_error`")
