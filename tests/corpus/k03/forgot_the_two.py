"""Backward of xᵀx instead of 2·xᵀx: x.grad is 2·x where 4·x is right."""
import torch


def backward_two_x_dot_x(x):
    torch.dot(x, x).backward()
