"""k02 reference solution."""
import torch


def two_x_dot_x(x: torch.Tensor) -> torch.Tensor:
    """Return ``y = 2·xᵀx`` for the vector ``x`` (which records gradients) as a 0-dim tensor
    that autograd has recorded; do not run a backward pass."""
    return 2 * torch.dot(x, x)
