# Wrong: caches the first derivative by x's values: for another x with equal values it returns the derivative of the first x's graph, which does not reach this x.
import torch

_first = {}


def first_derivative(f, x):
    key = (f, x.dtype, tuple(x.shape), tuple(x.detach().flatten().tolist()))
    if key not in _first:
        (_first[key],) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return _first[key]


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).sum(), x)
    return d2y_dx2
