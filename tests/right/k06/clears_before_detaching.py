# Right: detach_y_and_backward clears x.grad in place first when it exists (it holds zeros or is None, so nothing changes), then torch.autograd.backward; y.sum() by torch.sum.
import torch


def detach_y_and_backward(x):
    if x.grad is not None:
        x.grad.zero_()
    y = torch.mul(x, x)
    u = y.detach()
    z = torch.mul(u, x)
    torch.autograd.backward(torch.sum(z))
    return y, u, z


def backward_through_y(x, y):
    x.grad.zero_()
    torch.autograd.backward(torch.sum(y))
    return x.grad
