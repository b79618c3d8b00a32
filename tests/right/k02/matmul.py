# Right: xᵀx as a matrix product of the vector with itself.
import torch


def two_x_dot_x(x):
    return 2 * (x @ x)
