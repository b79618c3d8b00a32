# Right: math.isclose on Python floats, with rel_tol and abs_tol taken from the dtype; f with a conditional expression.
import math

import torch

#: torch.testing.assert_close's defaults, by dtype: (rtol, atol)
TOLERANCES = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}


def f(a):
    b = 2 * a
    while torch.linalg.vector_norm(b) < 1000:
        b = 2 * b
    return b if b.sum() > 0 else b * 100


def gradient_of_f(a):
    d = f(a)
    d.backward()
    grad = a.grad
    return grad, d


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = TOLERANCES[grad.dtype]
    return math.isclose(grad.item(), (d / a).item(), rel_tol=rtol, abs_tol=atol)
