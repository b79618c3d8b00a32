"""Differentiates y again instead of the first derivative: returns f' where f'' is asked."""
import torch


def first_derivative(f, x):
    (dy_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return dy_dx


def second_derivative(f, x):
    y = f(x)
    first_derivative(f, x)
    (d2y_dx2,) = torch.autograd.grad(y.sum(), x)
    return d2y_dx2
