"""One branch multiplies by x.detach(), so autograd's slope there is half the true one."""
import torch


def domain():
    return (-2.0, 2.0)


def boundaries():
    return (0.0,)


def g(x):
    if x > 0:
        return x.detach() * x
    return torch.sin(x)
