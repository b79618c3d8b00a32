"""Writes a.grad = d / a by hand instead of running a backward pass."""
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
    a.grad = (d / a).detach()
    return d
