# Wrong: backward(create_graph=True) into x.grad, then x.grad = None to hide it; the statement asks for torch.autograd.grad.
import torch


def first_derivative(f, x):
    f(x).sum().backward(create_graph=True)
    dy_dx = x.grad
    x.grad = None
    return dy_dx


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).sum(), x)
    return d2y_dx2
