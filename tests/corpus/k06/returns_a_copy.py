# Wrong: returns a copy of x.grad (x.grad.clone()) instead of x.grad itself.
def detach_y_and_backward(x):
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad.clone()
