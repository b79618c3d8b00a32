"""Calls d.backward() on the non-scalar d, as the book does for a scalar a."""
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
    d.backward()
    return d
