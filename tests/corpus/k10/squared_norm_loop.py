# Wrong: the loop compares the sum of squares with 1000², which rounds differently from b.norm() < 1000 at the bound.
import torch


def f(a):
    b = a * 2
    while (b * b).sum() < 1000 ** 2:
        b = b * 2
    if b.sum() > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
