# Wrong: while b.norm() < 999: stops when the norm of b is just below 1000 (a = [499.75] gives 999.5), where the book doubles once more.
import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's control-flow function, for a float32 tensor ``a`` of any shape: ``b = 2·a``,
    doubled while ``b.norm()`` is below 1000; then ``b`` if ``b.sum()`` is positive, else
    ``100·b``. Return a tensor of ``a``'s shape and dtype."""
    b = a * 2
    while b.norm() < 999:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def backward_through_f(a: torch.Tensor) -> torch.Tensor:
    """For ``a`` that records gradients, compute ``d = f(a)`` and run ONE backward pass so that
    each entry ``a.grad[i]`` is ``∂d[i]/∂a[i]``, the derivative of the matching entry of ``d``.
    Return ``d``."""
    d = f(a)
    # d has a's shape, not a scalar: backward() needs one number to start from. Summing is the
    # same as d.backward(gradient=torch.ones_like(d)): every entry of d is weighted by 1.
    d.sum().backward()
    return d
