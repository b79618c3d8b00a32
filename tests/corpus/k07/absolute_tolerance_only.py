# Wrong: an absolute tolerance alone (1e-5): right for small gradients, rounding of large ones fails it.


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
    return bool((grad - d / a).abs() <= 1e-5)
