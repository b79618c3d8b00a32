# Right: torch.Tensor.detach(y) is y.detach(); z.backward(ones) is z.sum().backward().
import torch


def detach_y_and_backward(x):
    y = x * x
    u = torch.Tensor.detach(y)
    z = u * x
    z.backward(torch.ones_like(z))
    return (y, u, z)


def backward_through_y(x, y):
    x.grad.zero_()
    y.backward(torch.ones_like(y))
    return x.grad
