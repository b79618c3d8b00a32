# Right: a gradient of 1 for the scalar y is what y.backward() uses when none is given.
import torch


def backward_two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    y.backward(torch.ones_like(y))
