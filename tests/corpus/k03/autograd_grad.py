"""Uses torch.autograd.grad, which returns the gradient but never stores it in x.grad."""
import torch


def backward_two_x_dot_x(x):
    return torch.autograd.grad(2 * torch.dot(x, x), x)[0]
