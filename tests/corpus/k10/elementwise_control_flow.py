"""Decides the loop and the branch entry by entry, so each entry gets its own k."""
import torch


def f(a):
    b = a * 2
    while (b.abs() < 1000).any():
        b = torch.where(b.abs() < 1000, b * 2, b)
    return torch.where(b > 0, b, 100 * b)


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
