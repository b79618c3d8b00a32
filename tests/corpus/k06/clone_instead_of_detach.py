"""u = y.clone() instead of y.detach(): a copy that keeps y's history, so x.grad = 3x²."""


def detach_y_and_backward(x):
    y = x * x
    u = y.clone()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
