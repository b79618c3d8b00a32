# Never computes y: a backward pass from the vector x * x, weighted by 2s, leaves 4·x without y = 2·xᵀx.
import torch


def backward_two_x_dot_x(x):
    (x * x).backward(2 * torch.ones_like(x))
