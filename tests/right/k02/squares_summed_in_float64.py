# Right: the squares summed in float64 and y turned back into x's dtype: y is 2·xᵀx rounded once, and the graph (the casts pass the gradient through) still gives 4·x exactly.
import torch


def two_x_dot_x(x):
    return (2 * x.double().pow(2).sum()).to(x.dtype)
