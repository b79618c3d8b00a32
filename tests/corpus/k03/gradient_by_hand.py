"""Writes the gradient 4·x into x.grad by hand instead of calling backward()."""


def backward_two_x_dot_x(x):
    x.grad = 4 * x.detach()
