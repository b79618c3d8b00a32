# Wrong: torch.isclose's own defaults (rtol=1e-5, atol=1e-8) whatever the dtype: 100 times too loose for float64.
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    return torch.isclose(grad, d / a).item()
