# Wrong: the ones route starts from the leaf x with the gradient 2·x worked out by hand: x.grad is 2·x, but y is never used.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    x.backward(gradient=2 * x.detach())


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err

