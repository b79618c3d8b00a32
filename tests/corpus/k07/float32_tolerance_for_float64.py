# Wrong: float32's tolerance for every dtype: float64 keeps far more digits, so wrong gradients pass.
import math


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
    return math.isclose(grad.item(), (d / a).item(), rel_tol=1.3e-6, abs_tol=1e-5)
