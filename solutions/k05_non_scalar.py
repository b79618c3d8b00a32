"""k05 reference solution."""
import torch


def backward_square_by_sum(x: torch.Tensor) -> None:
    """For ``y = x * x`` (same shape as ``x``), fill ``x.grad`` with the sum of the partial
    derivatives of y's elements by first reducing y to a scalar."""
    y = x * x
    y.sum().backward()


def backward_square_with_ones(x: torch.Tensor) -> None:
    """Same gradient as :func:`backward_square_by_sum`, but call backward on the non-scalar
    ``y = x * x`` itself, passing ``gradient=``: one weight per element of y."""
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x: torch.Tensor) -> RuntimeError:
    """Call ``y.backward()`` with no argument on ``y = x * x`` (``x`` has at least two
    elements), catch the error PyTorch raises, and return it."""
    y = x * x
    try:
        y.backward()
    except RuntimeError as err:
        return err
