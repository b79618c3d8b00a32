"""k04 · Accumulation and zero_ · 梯度累积与清零

PyTorch does not overwrite x.grad: every backward pass adds its gradient to what x.grad
already holds. Before computing the gradient of another function of x, clear the old one. The
notes do it in place with x.grad.zero_(): methods whose names end in _ change a tensor without
allocating new memory, which matters when the same parameters are updated thousands of times.

x is a tensor (of any shape) that records gradients, and y = x.sum(), whose gradient is all
ones. Write two functions:
- clear_then_backward_sum(x): x.grad is None (no backward pass yet) or holds an old gradient.
  Clear an old gradient in place, keeping the same tensor and memory, then run the backward
  pass of y; x.grad must end up equal to ones.
- backward_sum_without_clearing(x): run the backward pass of y without clearing anything, and
  see x.grad become the old gradient plus ones.
This kata teaches that gradients accumulate, and how to reset them without new memory.

PyTorch 不会覆盖 x.grad：每次反向传播都会把梯度累加到 x.grad 原有的值上。在计算 x 的另一个
函数的梯度之前，要先清除旧的梯度。笔记中用 x.grad.zero_() 就地清零：名字以 _ 结尾的方法直接修改
张量，不分配新内存；同一组参数要更新成千上万次，这一点很重要。

x 是一个记录梯度的张量（形状任意），y = x.sum()，它的梯度全是 1。编写两个函数：
- clear_then_backward_sum(x)：x.grad 是 None（还没有做过反向传播），或者存着旧的梯度。
  就地清除旧梯度（保留同一个张量和同一块内存），然后对 y 执行反向传播；x.grad 最后必须全是 1。
- backward_sum_without_clearing(x)：不做任何清除，直接对 y 执行反向传播，观察 x.grad 变成旧梯度加 1。
本练习讲的是梯度会累积，以及如何在不分配新内存的情况下把它清零。

Hints / 提示: autograd-kata hint k04    Check / 检查: autograd-kata run k04
"""

import torch


def clear_then_backward_sum(x: torch.Tensor) -> None:
    """``x.grad`` is None or holds an old gradient. Clear an old gradient in place (keep its
    memory), then run the backward pass of ``y = x.sum()``, so that ``x.grad`` holds the
    gradient of ``x.sum()`` alone."""
    raise NotImplementedError("k04 is not started: write `clear_then_backward_sum`")


def backward_sum_without_clearing(x: torch.Tensor) -> None:
    """Run the backward pass of ``y = x.sum()`` without clearing ``x.grad`` first, so that
    ``x.grad`` shows what PyTorch does by default."""
    raise NotImplementedError("k04 is not started: write `backward_sum_without_clearing`")
