# Wrong: catches backward()'s error but returns a new RuntimeError copied from its message, not the error itself.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    y = x * x
    try:
        y.backward()
    except RuntimeError as err:
        return RuntimeError(str(err))
