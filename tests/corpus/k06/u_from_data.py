# Wrong: u = y.data: the same values and memory without history, but not y's version counter, so autograd cannot notice in-place changes to u.
def detach_y_and_backward(x):
    y = x * x
    u = y.data
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
