# Wrong: returns the error's message (a string) instead of the RuntimeError object.
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
        return str(err)
