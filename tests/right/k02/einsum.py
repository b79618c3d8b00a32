# Right: xᵀx as an einsum over the one index, a 0-dim tensor.
import torch


def two_x_dot_x(x):
    return 2 * torch.einsum("i,i->", x, x)
