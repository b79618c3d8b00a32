"""Detaches one factor of the dot product: the value and grad_fn look right, but the graph carries half the gradient."""
import torch


def two_x_dot_x(x):
    return 2 * torch.dot(x.detach(), x)
