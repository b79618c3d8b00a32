# Wrong: while b.norm() <= 1000: doubles once more than the book when b reaches 1000 exactly (a = 500, 62.5).
import torch


def f(a):
    b = a * 2
    while b.norm() <= 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}[grad.dtype]
    return torch.isclose(grad, d / a, rtol=rtol, atol=atol).item()
