# Wrong: sets x.grad = None before y.sum().backward() instead of clearing it in place: the gradient gets new memory.
def detach_y_and_backward(x):
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad = None
    y.sum().backward()
    return x.grad
