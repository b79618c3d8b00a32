# Wrong: g caches its result per x (a dict keyed by id(x)): called again on the same tensor after its value changed, it returns the old value's result.
import torch

_results = {}


def domain():
    return (-4.0, 8.0)


def boundaries():
    return (0.0, 1.0, 2.0, 4.0)


def g(x):
    if id(x) in _results:
        return _results[id(x)]
    y = x
    while y > 1:
        y = y / 2
    result = y * y if y > 0 else torch.sin(y)
    _results[id(x)] = result
    return result
