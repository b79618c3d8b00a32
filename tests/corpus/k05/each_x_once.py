# Wrong: runs each route's backward pass once per x and skips it for an x it has seen ("so the gradient is not counted twice"), and hands back the error it caught first: a training loop that calls it again on the same x, with new values, gets the old gradient and an error that no backward() of this call raised.
import torch

_seen = {}


def backward_square_by_sum(x):
    if id(x) in _seen:
        return
    _seen[id(x)] = x
    (x * x).sum().backward()


def backward_square_with_ones(x):
    if id(x) in _seen:
        return
    _seen[id(x)] = x
    y = x * x
    y.backward(torch.ones_like(y))


def non_scalar_backward_error(x):
    if id(x) not in _seen:
        try:
            (x * x).backward()
        except RuntimeError as err:
            _seen[id(x)] = err
    return _seen[id(x)]



