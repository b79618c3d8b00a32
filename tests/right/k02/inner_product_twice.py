# Right: torch.inner of x with itself, times 2 (a 0-dim tensor, as torch.dot gives).
import torch


def two_x_dot_x(x):
    return torch.inner(x, x) * 2
