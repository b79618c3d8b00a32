"""Lets the second backward()'s RuntimeError escape instead of catching and returning it."""


def second_backward_error(y):
    y.backward()
    y.backward()


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return first, x.grad
