"""Writes 2·x into x.grad by hand instead of running a backward pass."""
import torch


def backward_square_by_sum(x):
    x.grad = 2 * x.detach()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err
