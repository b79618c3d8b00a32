# Right: both derivatives through one module-level helper (a function, no state), the second derivative from first_derivative.
import torch


def _elementwise_derivative(values, x, keep_graph):
    (derivative,) = torch.autograd.grad(values.sum(), x, create_graph=keep_graph)
    return derivative


def first_derivative(f, x):
    return _elementwise_derivative(f(x), x, keep_graph=True)


def second_derivative(f, x):
    return _elementwise_derivative(first_derivative(f, x), x, keep_graph=False)
