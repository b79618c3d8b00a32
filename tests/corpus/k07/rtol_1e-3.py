# Wrong: a fixed rtol=1e-3, hundreds of times looser than float32's: a gradient 0.05 % off passes.
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
    return torch.isclose(grad, d / a, rtol=1e-3).item()
