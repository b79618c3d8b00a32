# Wrong: computes y in float64 "for precision": y, u and z are no longer float32 like x.
def detach_y_and_backward(x):
    y = x.double() * x.double()
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
