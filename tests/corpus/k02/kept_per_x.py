# Wrong: keeps each x's y in a dict keyed by the tensor, to build the graph once: called again on the same x after a training step wrote new values into it, it returns the old y.
import torch

_built = {}


def two_x_dot_x(x):
    if x not in _built:
        _built[x] = 2 * torch.dot(x, x)
    return _built[x]
