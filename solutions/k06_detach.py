"""k06 reference solution."""
import torch


def detach_y_and_backward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Compute ``y = x * x``, then ``u``: y detached with detach(), its values as a constant
    that autograd does not trace back to x, then ``z = u * x``. Run one backward pass of
    ``z.sum()`` (so that ``x.grad`` holds dz/dx) and return the tuple ``(y, u, z)``."""
    y = x * x
    # detach() returns a tensor that shares y's memory and version counter but has no history.
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``y`` is the y returned by ``detach_y_and_backward(x)``, and ``x.grad`` still holds
    dz/dx. Clear ``x.grad`` in place, run one backward pass of the sum of this very y, and
    return ``x.grad`` itself."""
    x.grad.zero_()
    y.sum().backward()
    return x.grad
