# Right: numpy.isclose on the values (a NumPy bool comes back), tolerances looked up by the dtype's name.
import numpy

TOLERANCES = {"torch.float32": (1.3e-6, 1e-5), "torch.float64": (1e-7, 1e-7)}


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
    rtol, atol = TOLERANCES[str(grad.dtype)]
    return numpy.isclose(grad.numpy(), (d / a).numpy(), rtol=rtol, atol=atol)
