# returns a.grad alone rather than the tuple (a.grad, d)
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


def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = (1.3e-6, 1e-5) if grad.dtype == torch.float32 else (1e-7, 1e-7)
    return bool(torch.isclose(grad, d / a, rtol=rtol, atol=atol))
