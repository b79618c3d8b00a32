# Right: both derivatives inline in second_derivative, the second one recorded too (create_graph at both orders).
import torch


def first_derivative(f, x):
    [dy_dx] = torch.autograd.grad(outputs=[f(x).sum()], inputs=[x], create_graph=True)
    return dy_dx


def second_derivative(f, x):
    y = f(x)
    (dy_dx,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (d2y_dx2,) = torch.autograd.grad(dy_dx.sum(), x, create_graph=True)
    return d2y_dx2
