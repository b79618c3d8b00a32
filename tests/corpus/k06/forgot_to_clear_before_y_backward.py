"""Forgets to clear x.grad before y.sum().backward(): gets u + 2x instead of 2x."""


def detach_y_and_backward(x):
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    y.sum().backward()
    return x.grad
