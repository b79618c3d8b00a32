# Right: the functional torch.autograd.backward, torch.detach, and fill_(0) to clear in place.
import torch


def detach_y_and_backward(x):
    y = torch.mul(x, x)
    u = torch.detach(y)
    z = torch.mul(u, x)
    torch.autograd.backward(z.sum())
    return y, u, z


def backward_through_y(x, y):
    x.grad.fill_(0)
    torch.autograd.backward(torch.sum(y))
    return x.grad
