# Right: xᵀx as a row times a column, a 1×1 y: one element, which backward() treats as a scalar.


def backward_two_x_dot_x(x):
    y = 2 * (x.unsqueeze(0) @ x.unsqueeze(1))
    y.backward()
