# Wrong: reduces the first derivative with mean() before differentiating it: d²y/dx² divided by the number of elements.
import torch


def first_derivative(f, x):
    (dy_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    return dy_dx


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).mean(), x)
    return d2y_dx2
