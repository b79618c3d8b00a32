# Right: the branch as a conditional expression, the norm from torch.linalg, the functional backward.
import torch


def f(a):
    b = 2 * a
    while torch.linalg.vector_norm(b) < 1000:
        b = 2 * b
    return b if b.sum() > 0 else b * 100


def backward_through_f(a):
    d = f(a)
    torch.autograd.backward(d, grad_tensors=torch.ones_like(d))
    return d
