"""Runs y.backward() already, so x.grad is filled before any backward pass was asked for."""
import torch


def two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    y.backward()
    return y
