# Right: the functional form of the same backward pass.
import torch


def backward_two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    torch.autograd.backward(y)
