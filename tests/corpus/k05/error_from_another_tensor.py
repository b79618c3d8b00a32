# Wrong: non_scalar_backward_error calls backward() on 2·x, not on y = x * x: the same error from another tensor.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (2 * x).backward()
    except RuntimeError as err:
        return err
