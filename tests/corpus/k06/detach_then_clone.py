"""u = y.detach().clone(): the right gradient, but u is a copy that no longer shares y's memory."""


def detach_y_and_backward(x):
    y = x * x
    u = y.detach().clone()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
