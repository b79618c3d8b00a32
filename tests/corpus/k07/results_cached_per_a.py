# Wrong: f and gradient_of_f cache their results per a (dicts keyed by id(a)): called again on the same tensor after its value changed, they return the old value's results.
import torch

_values, _gradients = {}, {}


def f(a):
    if id(a) not in _values:
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        _values[id(a)] = b if b.sum() > 0 else 100 * b
    return _values[id(a)]


def gradient_of_f(a):
    if id(a) not in _gradients:
        d = f(a)
        d.backward()
        _gradients[id(a)] = (a.grad, d)
    return _gradients[id(a)]


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}[grad.dtype]
    return torch.isclose(grad, d / a, rtol=rtol, atol=atol).item()
