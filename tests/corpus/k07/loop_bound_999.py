# Wrong: while b.norm() < 999: stops when b is just below 1000 (a = 499.75 gives b = 999.5), where the book doubles once more.
import torch


def f(a: torch.Tensor) -> torch.Tensor:
    """The book's function: ``b = a * 2``; while the norm of b is below 1000, double b;
    then ``c = b`` if the sum of b is positive, else ``c = 100 * b``. Return c."""
    b = a * 2
    while b.norm() < 999:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def gradient_of_f(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``a`` is a scalar that records gradients. Compute ``d = f(a)``, run one backward
    pass, and return ``(a.grad, d)``: the tensor the backward pass left in ``a.grad`` itself."""
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad: torch.Tensor, d: torch.Tensor, a: torch.Tensor) -> bool:
    """Return True when ``grad`` equals ``d / a`` within the tolerance that suits their
    dtype (torch.testing's defaults, see the statement), and False when it does not."""
    # d / a is rounded twice (once computing d, once dividing), so == is too strict; the
    # tolerance follows the dtype: (rtol, atol) as torch.testing.assert_close picks them.
    rtol, atol = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}[grad.dtype]
    return torch.isclose(grad, d / a, rtol=rtol, atol=atol).item()
