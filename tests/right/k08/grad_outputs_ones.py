# Right: grad_outputs=torch.ones_like(y) instead of summing y, at both orders.
import torch


def first_derivative(f, x):
    y = f(x)
    return torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)[0]


def second_derivative(f, x):
    dy_dx = first_derivative(f, x)
    return torch.autograd.grad(dy_dx, x, grad_outputs=torch.ones_like(dy_dx))[0]
