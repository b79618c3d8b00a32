"""k04 reference solution."""
import torch


def clear_then_backward_sum(x: torch.Tensor) -> None:
    """``x.grad`` is None or holds an old gradient. Clear an old gradient in place (the same
    tensor, in the same memory), then run one backward pass of ``y = x.sum()``, so that
    ``x.grad`` holds the gradient of ``x.sum()`` alone. Return nothing."""
    # A fresh x has no gradient yet: there is nothing to clear, and x.grad.zero_() would fail.
    if x.grad is not None:
        x.grad.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x: torch.Tensor) -> None:
    """Run one backward pass of ``y = x.sum()`` without clearing ``x.grad`` first, so that
    ``x.grad`` shows what PyTorch does by default. Return nothing."""
    x.sum().backward()
