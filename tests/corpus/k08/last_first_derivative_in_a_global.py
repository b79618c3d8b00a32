# Wrong: keeps the last first derivative, and the x it was taken at, in module-level globals; second_derivative reuses it for that x whatever f it is given.
import torch

_last_x, _last = None, None


def first_derivative(f, x):
    global _last_x, _last
    (_last,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    _last_x = x
    return _last


def second_derivative(f, x):
    first = _last if _last_x is x else first_derivative(f, x)
    (d2y_dx2,) = torch.autograd.grad(first.sum(), x)
    return d2y_dx2
