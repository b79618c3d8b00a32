# Right: returns torch.isclose's 0-dim boolean tensor as it is (the statement accepts it), tolerance in float64.
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
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = (1e-7, 1e-7) if grad.dtype == torch.float64 else (1.3e-6, 1e-5)
    quotient = (d / a).double()
    return (grad.double() - quotient).abs() <= atol + rtol * quotient.abs()
