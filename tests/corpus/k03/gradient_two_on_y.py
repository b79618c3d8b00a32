# Passes a gradient of 2 to the scalar y's backward(): x.grad is 8·x, twice the gradient of y.
import torch


def backward_two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    y.backward(torch.tensor(2.0))
