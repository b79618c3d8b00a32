# Right: y = x ** 2, cleared with x.grad.data.zero_(), and a backward pass through y that keeps its graph.
def detach_y_and_backward(x):
    y = x ** 2
    u = y.detach()
    z = x * u
    z.sum().backward()
    return y, u, z


def backward_through_y(x, y):
    x.grad.data.zero_()
    y.sum().backward(retain_graph=True)
    grad = x.grad
    return grad
