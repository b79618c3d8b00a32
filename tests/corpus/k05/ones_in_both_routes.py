# Wrong: uses the gradient of ones in the sum route too, so y is never reduced to a scalar.
import torch


def backward_square_by_sum(x):
    y = x * x
    y.backward(torch.ones_like(y))


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err
