"""Asserts the book's a.grad == d / a exactly, which float rounding breaks in the 100·b branch."""
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
    d.sum().backward()
    assert (a.grad == d / a).all(), "a.grad != d / a"
    return d
