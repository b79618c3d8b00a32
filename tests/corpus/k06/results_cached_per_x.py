# Wrong: caches (y, u, z) per x (a dict keyed by id(x)) and returns them again for the same x, without a new backward pass, even after x's values changed.
_results = {}


def detach_y_and_backward(x):
    if id(x) not in _results:
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
        _results[id(x)] = (y, u, z)
    return _results[id(x)]


def backward_through_y(x, y):
    x.grad.zero_()
    y.sum().backward()
    return x.grad
