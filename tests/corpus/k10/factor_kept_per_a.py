# Wrong: finds the factor k once per a (the loop is the slow part) and keeps it in a dict keyed by the tensor: after a training step writes new values into the same a, f and the backward pass use the old k.
import torch

_factors = {}


def _factor(a):
    if a not in _factors:
        b = a.detach() * 2
        while b.norm() < 1000:
            b = b * 2
        scale = (b / a.detach()).flatten()[0].item()
        _factors[a] = scale if b.sum() > 0 else 100 * scale
    return _factors[a]


def f(a):
    return _factor(a) * a


def backward_through_f(a):
    d = f(a)
    d.sum().backward()
    return d
