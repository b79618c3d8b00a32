"""Keeps first = x.grad without a copy: the second pass updates it in place, so first is 8x."""


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad
    y.backward()
    return first, x.grad
