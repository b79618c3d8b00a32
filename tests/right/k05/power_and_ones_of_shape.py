# Right: y written as x ** 2, and the ones built from y's shape rather than with ones_like.
import torch


def backward_square_by_sum(x):
    y = x ** 2
    y.sum().backward()


def backward_square_with_ones(x):
    y = x ** 2
    y.backward(gradient=torch.ones(y.shape, dtype=y.dtype, device=y.device))


def non_scalar_backward_error(x):
    y = x ** 2
    error = None
    try:
        y.backward()
    except RuntimeError as caught:
        error = caught
    return error
