"""Passes torch.ones(len(x)) as the gradient, which only fits a vector, not a matrix or a 3-D x."""
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones(len(x), device=x.device))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err
