"""k11 reference solution."""
import torch


def domain() -> tuple[float, float]:
    """Return a tuple ``(low, high)`` of two numbers, ``low < high``: the interval of x your g
    is written for. The checks draw x from it."""
    return (-4.0, 8.0)


def boundaries() -> tuple[float, ...]:
    """Return a tuple of every x strictly inside ``domain()`` where g's path changes (where an
    ``if`` starts choosing the other branch, or a loop starts running a different number of
    times), and of no other x; ends of ``domain()`` and boundaries more than 0.002 apart. g
    need not be differentiable there; the checks stay 0.001 away from each boundary."""
    # Halving runs once for x in (1, 2], twice in (2, 4], three times in (4, 8];
    # the sign of x picks the branch at the end.
    return (0.0, 1.0, 2.0, 4.0)


def g(x: torch.Tensor) -> torch.Tensor:
    """Your own function of a 0-dim float64 tensor ``x``, written with Python control flow
    (``if``, ``while``, ``for``) that depends on the value of x, so that at least two different
    paths are taken over ``domain()``. Return a 0-dim tensor of x's dtype computed from x with
    torch operations, so autograd can differentiate it; smooth between neighbouring
    boundaries (no kink or jump where the path does not change)."""
    y = x
    while y > 1:
        y = y / 2
    if y > 0:
        return y * y
    return torch.sin(y)
