# Wrong: backward_through_y computes y = x * x again and backpropagates from that new graph, not from the y it was given.
def detach_y_and_backward(x):
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    (x * x).sum().backward()
    return x.grad
