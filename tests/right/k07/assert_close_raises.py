# Right: lets torch.testing.assert_close pick the dtype's default tolerance, turning its error into False.
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
    torch.autograd.backward(d)
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    try:
        torch.testing.assert_close(grad, d / a)
    except AssertionError:
        return False
    return True
