# Wrong: non_scalar_backward_error calls backward() on the leaf x itself, which raises the same error, instead of on y = x * x.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        x.backward()
    except RuntimeError as err:
        return err
