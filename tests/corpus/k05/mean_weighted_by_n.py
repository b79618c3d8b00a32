# Wrong: the sum route starts from the mean of y with a gradient of n to undo it: x.grad is 2·x, but the pass does not start from the sum of y.
import torch


def backward_square_by_sum(x):
    (x * x).mean().backward(torch.tensor(float(x.numel())))


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err

