"""Forgets retain_graph=True in the two-pass function: its second backward() raises."""


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
    y.backward()
    return first, x.grad
