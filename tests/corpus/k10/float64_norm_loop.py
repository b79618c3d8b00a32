# Wrong: the loop tests b's norm computed in float64, which falls on the other side of 1000 where torch's float32 b.norm() is exactly 1000.
import torch


def f(a):
    b = a * 2
    while b.double().norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
