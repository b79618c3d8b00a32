# Wrong: the loop computes the norm with Python's math on the entries (float64), not torch's float32 b.norm().
import math

import torch


def f(a):
    b = a * 2
    while math.sqrt(sum(v * v for v in b.flatten().tolist())) < 1000:
        b = b * 2
    if b.sum() > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
