"""Lists only the sign change: the halving loop's count also changes at 1, 2 and 4."""
import torch


def domain():
    return (-4.0, 8.0)


def boundaries():
    return (0.0,)


def g(x):
    y = x
    while y > 1:
        y = y / 2
    if y > 0:
        return y * y
    return torch.sin(y)
