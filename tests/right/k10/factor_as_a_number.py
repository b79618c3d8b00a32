# Right: finds the factor k as a Python number first, then returns k·a (one multiplication in the graph).
import torch


def f(a):
    k = 2.0
    while (k * a).norm() < 1000:
        k = k * 2
    if (k * a).sum() <= 0:
        k = k * 100
    return k * a


def backward_through_f(a):
    d = f(a)
    (d * torch.ones_like(d)).sum().backward()
    return d.detach()
