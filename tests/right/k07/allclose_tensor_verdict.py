# Right: torch.allclose with the dtype's tolerances chosen by an if; f counts the doublings in a for loop with break.
import torch


def f(a):
    b = a * 2
    for _ in range(10_000):
        if not b.norm() < 1000:
            break
        b = b * 2
    if b.sum() <= 0:
        b = 100 * b
    return b


def gradient_of_f(a):
    d = f(a)
    d.backward(torch.ones_like(d))
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    if grad.dtype == torch.float64:
        rtol, atol = 1e-7, 1e-7
    else:
        rtol, atol = 1.3e-6, 1e-5
    return torch.allclose(grad, d / a, rtol=rtol, atol=atol)
