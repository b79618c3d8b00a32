"""k03 reference solution."""
import torch


def backward_two_x_dot_x(x: torch.Tensor) -> None:
    """Compute ``y = 2·xᵀx`` and run the backward pass, so that ``x.grad`` holds dy/dx.
    Return nothing: backward() writes the gradient into ``x.grad``."""
    y = 2 * torch.dot(x, x)
    y.backward()
