# Right: the sum kept as a one-element tensor with keepdim=True: backward() treats it as a scalar.
import torch


def backward_square_by_sum(x):
    y = x * x
    y.sum(dim=tuple(range(y.dim())), keepdim=True).backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err

