# Wrong: caches the first derivative per x (a dict keyed by id(x)): second_derivative of another f on the same x reuses the first f's derivative, and x's new values are never seen.
import torch

_first = {}


def first_derivative(f, x):
    if id(x) not in _first:
        (_first[id(x)],) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return _first[id(x)]


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).sum(), x)
    return d2y_dx2
