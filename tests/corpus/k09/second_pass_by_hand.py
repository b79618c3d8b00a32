"""Doubles x.grad by hand instead of running a second backward pass."""


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward()
    first = x.grad.clone()
    x.grad.mul_(2)
    return first, x.grad
