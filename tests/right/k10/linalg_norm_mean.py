# Right: torch.linalg.norm of the whole tensor (flattened, as b.norm()), and the sign of the sum read from the mean.
import torch


def f(a):
    b = a * 2
    while torch.linalg.norm(b) < 1000:
        b = b * 2
    if b.mean() > 0:
        return b
    return 100 * b


def backward_through_f(a):
    d = f(a)
    d.backward(gradient=torch.ones_like(d))
    return d
