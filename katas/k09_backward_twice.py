"""k09 · Backward twice · 连续两次反向传播

The section's second exercise: after running the backward pass, run it again right away and
see what happens. To save memory, backward() frees the intermediate values the graph saved (such as
x in y = 2 * (x * x).sum(), which the gradient 4x needs) as soon as it has used them, so the second
call raises a RuntimeError: "Trying to backward through the graph a second time".
y.backward(retain_graph=True) keeps them; then the second pass works and, as in k04, adds its
gradient to the first.

Below, x is a float32 or float64 tensor with 1 to 3 dimensions that records gradients, with x.grad
None or holding zeros (cleared in place after an earlier use of x), and y is a 0-dim tensor computed
from x whose graph saves values (the checks build y with
several functions, such as 2 * (x * x).sum() and torch.sin(x).sum()).

Write second_backward_error(y): call y.backward() twice, the default way, catch the RuntimeError that
the second call raises and return that very error object (None if nothing was raised). Then
gradients_of_two_passes(y, x): run two backward passes of y, keeping the graph for the second, and
return the tuple (first, total): first, a copy of the values x.grad holds after the first pass (a
tensor of its own, in memory of its own, which the second pass does not change), and total, x.grad
itself (not a copy) after the second. total is twice first. The checks call both functions many
times in a row, each with a y of its own, built from several x (some with equal values, some the
same x again with new values): each call must work from its own y and x, and keep nothing for later
calls.

本节的第二道练习：执行反向传播之后，立即再执行一次，看看会发生什么。为了节省内存，backward() 一用完计算图中保存的
中间值（例如 y = 2 * (x * x).sum() 中的 x，计算梯度 4x 时需要它）就会释放它们，因此第二次调用会抛出
RuntimeError："Trying to backward through the graph a second time"。y.backward(retain_graph=True) 会保留这些值；
这样第二次反向传播就能进行，而且和 k04 一样，它的梯度会累加到第一次的结果上。

下面的 x 是记录梯度的 float32 或 float64 张量，有 1 到 3 个维度，x.grad 是 None，或者全是 0（在之前用过 x 之后被就地
清零）；y 是由 x 计算出的 0 维张量，
它的计算图保存了中间值（检查会用好几种函数构建 y，例如 2 * (x * x).sum() 和 torch.sin(x).sum()）。

编写 second_backward_error(y)：按默认方式调用两次 y.backward()，捕获第二次调用抛出的 RuntimeError，并返回这个
错误对象本身（如果没有抛出错误就返回 None）。再编写 gradients_of_two_passes(y, x)：对 y 执行两次反向传播，
并为第二次保留计算图，返回元组 (first, total)：first 是第一次之后 x.grad 中的值的一份拷贝（一个独立的张量，有自己的
内存，第二次反向传播不会改变它），total 是第二次之后的 x.grad 本身（不是拷贝）。total 是 first 的两倍。检查会连续多次
调用这两个函数，每次都用单独构建的 y，它们来自好几个 x（有的 x 值相同，有的是同一个 x 被写入了新的值）：每次调用都必须
依据它自己的 y 和 x 来完成，不为之后的调用保留任何东西。

Hints / 提示: autograd-kata hint k09    Check / 检查: autograd-kata run k09
"""

import torch


def second_backward_error(y: torch.Tensor) -> RuntimeError | None:
    """``y`` is a scalar computed from a tensor that records gradients. Run ``y.backward()``
    twice, the default way, catch the error the second call raises, and return it (return
    None if no error is raised)."""
    raise NotImplementedError("k09 is not started: write `second_backward_error`")


def gradients_of_two_passes(y: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``y`` is a scalar computed from ``x``, and ``x.grad`` is None or zeros. Run the backward pass
    of ``y`` twice so that the second pass does not fail. Return ``(first, total)``: a copy of
    ``x.grad`` after the first pass, and ``x.grad`` itself after the second."""
    raise NotImplementedError("k09 is not started: write `gradients_of_two_passes`")
