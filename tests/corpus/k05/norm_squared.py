# Wrong: the sum route uses ‖x‖² = x.norm()**2: the same number as the sum of y, but its gradient goes through a square root and rounds off 2·x.
import torch


def backward_square_by_sum(x):
    (x.norm() ** 2).backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err

