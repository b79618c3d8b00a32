# Right: torch.linalg.vector_norm (what b.norm() computes) and the comparisons made on Python numbers from .item().
import torch


def f(a):
    b = a * 2
    while torch.linalg.vector_norm(b).item() < 1000:
        b = b * 2
    if torch.sum(b).item() > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
