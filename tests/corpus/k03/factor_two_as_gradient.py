# Computes xᵀx, not y = 2·xᵀx, and moves the factor 2 into the gradient argument of backward().
import torch


def backward_two_x_dot_x(x):
    torch.dot(x, x).backward(torch.tensor(2.0))
