# Right: the factor 2 written after the dot product.
import torch


def backward_two_x_dot_x(x):
    y = torch.dot(x, x) * 2
    y.backward()
