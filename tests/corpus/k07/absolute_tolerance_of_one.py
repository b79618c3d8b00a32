"""An absolute tolerance of 1: calls a gradient 1 % off equal when the gradient is small."""


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
    return bool(abs(grad - d / a) < 1)
