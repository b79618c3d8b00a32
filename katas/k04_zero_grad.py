"""k04 · Accumulation and zero_ · 梯度累积与清零

PyTorch does not overwrite x.grad: every backward pass adds its gradient to what x.grad
already holds. Before computing the gradient of another function of x, clear the old one in
place: change the values of the existing x.grad where they are, rather than giving x.grad a new
tensor. The notes stress that we do not allocate new memory every time we take a gradient: the
same parameters are updated thousands of times.

x is a float32 tensor with 0 to 3 dimensions (a 0-dim tensor holding a single number, a tensor of
shape (1,), a vector, a matrix or a 3-D tensor) that records gradients, and y = x.sum(), whose
gradient is all ones. Write two functions; both return nothing:
- clear_then_backward_sum(x): x.grad is None (no backward pass yet) or holds an old gradient.
  Clear an old gradient in place, so that x.grad stays the same tensor in the same memory; then
  run one backward pass of y. x.grad must end up exactly ones, written there by that pass.
- backward_sum_without_clearing(x): run one backward pass of y without clearing anything, and
  see x.grad become the old gradient plus ones.
Run the backward pass with backward() (y.backward() or torch.autograd.backward); a gradient
written into x.grad by hand does not count. The checks call both functions many times in a row, on
the same x (its values sometimes changed in place, as a training step does) and on others: each
call must work from the x it is given, as it is then, and keep nothing for later calls. This kata
teaches that gradients accumulate, and how to reset them without new memory.

PyTorch 不会覆盖 x.grad：每次反向传播都会把梯度累加到 x.grad 原有的值上。在计算 x 的另一个
函数的梯度之前，要先就地清除旧的梯度：在原处修改现有 x.grad 的值，而不是给 x.grad 换一个新张量。
笔记强调，我们不会在每次求导时都分配新的内存，因为同一组参数要更新成千上万次。

x 是一个记录梯度的 float32 张量，有 0 到 3 个维度（保存单个数的 0 维张量、形状为 (1,) 的张量、向量、矩阵或三维张量），
y = x.sum()，它的梯度全是 1。
编写两个函数，都不需要返回任何值：
- clear_then_backward_sum(x)：x.grad 是 None（还没有做过反向传播），或者存着旧的梯度。就地清除旧梯度，
  让 x.grad 仍是同一个张量、使用同一块内存；然后对 y 执行一次反向传播。x.grad 最后必须恰好全是 1，
  而且是由这次反向传播写进去的。
- backward_sum_without_clearing(x)：不做任何清除，直接对 y 执行一次反向传播，观察 x.grad 变成旧梯度加 1。
反向传播要用 backward()（y.backward() 或 torch.autograd.backward）；手工写进 x.grad 的梯度不算数。
检查会连续多次调用这两个函数，既用同一个 x（它的值有时会像训练中的一步那样被就地修改），也用别的 x：每次调用都必须
依据传给它的 x（调用那一刻的 x）来完成，不为之后的调用保留任何东西。本练习讲的是梯度会累积，以及如何在不分配新内存的
情况下把它清零。

Hints / 提示: autograd-kata hint k04    Check / 检查: autograd-kata run k04
"""

import torch


def clear_then_backward_sum(x: torch.Tensor) -> None:
    """``x.grad`` is None or holds an old gradient. Clear an old gradient in place (the same
    tensor, in the same memory), then run one backward pass of ``y = x.sum()``, so that
    ``x.grad`` holds the gradient of ``x.sum()`` alone. Return nothing."""
    raise NotImplementedError("k04 is not started: write `clear_then_backward_sum`")


def backward_sum_without_clearing(x: torch.Tensor) -> None:
    """Run one backward pass of ``y = x.sum()`` without clearing ``x.grad`` first, so that
    ``x.grad`` shows what PyTorch does by default. Return nothing."""
    raise NotImplementedError("k04 is not started: write `backward_sum_without_clearing`")
