# Wrong: keeps the last y in a module-level global and backpropagates from it in backward_through_y, not from the y it is given: after a call for another x, the pass goes into that x.
_last_y = None


def detach_y_and_backward(x):
    global _last_y
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    _last_y = y
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    _last_y.sum().backward()
    return x.grad
