"""Passes gradient=d instead of ones, so a.grad is k·d rather than k."""
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
    d.backward(gradient=d.detach())
    return d
