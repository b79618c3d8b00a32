# Wrong: doubles while b.norm() <= 1000, so a b whose norm is exactly 1000 is doubled once more.
import torch


def f(a):
    b = a * 2
    while b.norm() <= 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def backward_through_f(a):
    d = f(a)
    d.sum().backward()
    return d
