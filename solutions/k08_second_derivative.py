"""k08 reference solution."""
from typing import Callable

import torch


def first_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """``f`` acts elementwise (like ``torch.sin``) and ``x`` records gradients. Return dy/dx
    for ``y = f(x)``, element by element, using ``torch.autograd.grad`` so that the result is
    itself part of a recorded graph and can be differentiated again. Leave ``x.grad`` alone."""
    y = f(x)
    # Each y[i] depends on x[i] only, so the gradient of y.sum() holds every dy[i]/dx[i].
    (dy_dx,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return dy_dx


def second_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Return d²y/dx² for ``y = f(x)``, element by element: the derivative of
    ``first_derivative(f, x)``, again with ``torch.autograd.grad``. Leave ``x.grad`` alone."""
    dy_dx = first_derivative(f, x)
    (d2y_dx2,) = torch.autograd.grad(dy_dx.sum(), x)
    return d2y_dx2
