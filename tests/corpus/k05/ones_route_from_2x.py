# Wrong: the ones route starts from 2·x weighted by x: x.grad is 2·x, but the pass starts neither from y nor with ones.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    (2 * x).backward(gradient=x.detach())


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err

