# Right: x @ x is the dot product of a vector with itself.


def backward_two_x_dot_x(x):
    y = 2 * (x @ x)
    y.backward()
