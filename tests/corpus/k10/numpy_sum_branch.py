# Wrong: the branch sums b with NumPy, which adds in another order than torch's b.sum() and gets another sign where torch's is exactly 0.
import numpy as np

import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if np.sum(b.detach().numpy()) > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
