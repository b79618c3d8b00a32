"""Detaches the wrong tensor: x instead of y, so x.grad = dy/dx · x = 2x²."""


def detach_y_and_backward(x):
    y = x * x
    u = y
    z = u * x.detach()
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
