"""k05 reference solution."""
import torch


def backward_square_by_sum(x: torch.Tensor) -> None:
    """For ``y = x * x`` (same shape as ``x``), fill ``x.grad`` with the sum of the partial
    derivatives of y's elements: one backward pass, from the sum of y. Return nothing."""
    y = x * x
    y.sum().backward()


def backward_square_with_ones(x: torch.Tensor) -> None:
    """Same gradient as :func:`backward_square_by_sum`, but one backward pass from the
    non-scalar ``y = x * x`` itself, with a gradient argument: one weight per element of y,
    all ones. Return nothing."""
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x: torch.Tensor) -> RuntimeError:
    """Call backward() with no argument on ``y = x * x`` (``x`` has at least two elements),
    catch the RuntimeError PyTorch raises, and return that exception object itself."""
    y = x * x
    try:
        y.backward()
    except RuntimeError as err:
        return err
