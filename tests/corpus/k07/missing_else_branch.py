"""Leaves out the else branch (c = 100 * b): wrong f and gradient for negative a."""
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    return b


def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    return torch.isclose(grad, d / a).item()
