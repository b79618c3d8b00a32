# Wrong: runs the backward pass but returns the formula 2 * x instead of x.grad.
def detach_y_and_backward(x):
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return 2 * x.detach()
