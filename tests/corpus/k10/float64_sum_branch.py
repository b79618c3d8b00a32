# Wrong: the branch sums b in float64, which is positive where torch's float32 b.sum() is exactly 0.
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum(dtype=torch.float64) > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
