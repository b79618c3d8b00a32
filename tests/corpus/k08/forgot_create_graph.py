"""Forgets create_graph=True: the first derivative has no graph, so it cannot be differentiated."""
import torch


def first_derivative(f, x):
    (dy_dx,) = torch.autograd.grad(f(x).sum(), x)
    return dy_dx


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).sum(), x)
    return d2y_dx2
