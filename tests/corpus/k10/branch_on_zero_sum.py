# Wrong: keeps b when b.sum() >= 0, so a b whose entries add up to exactly 0 takes the wrong branch.
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() >= 0:
        c = b
    else:
        c = 100 * b
    return c


def backward_through_f(a):
    d = f(a)
    d.sum().backward()
    return d
