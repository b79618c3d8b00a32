"""Reduces d with mean(), so every entry of a.grad is k divided by the number of entries."""
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


def backward_through_f(a):
    d = f(a)
    d.mean().backward()
    return d
