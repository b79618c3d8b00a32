# Right: 2·xᵀx as the sum of 2·x·x over the elements.


def backward_two_x_dot_x(x):
    (2 * x * x).sum().backward()
