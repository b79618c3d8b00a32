"""Elementwise 2 * x * x instead of the dot product: y is a vector, not a scalar."""


def two_x_dot_x(x):
    return 2 * x * x
