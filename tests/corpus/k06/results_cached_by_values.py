# Wrong: caches (y, u, z) by x's values and returns them for another x with equal values: that x gets no backward pass, and its y is another x's.
_results = {}


def detach_y_and_backward(x):
    key = (tuple(x.shape), tuple(x.detach().flatten().tolist()))
    if key not in _results:
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
        _results[key] = (y, u, z)
    return _results[key]


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
