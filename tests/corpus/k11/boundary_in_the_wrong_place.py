# Wrong: g branches at x = 1, but boundaries() says 0.
import torch


def domain():
    return (-2.0, 2.0)


def boundaries():
    return (0.0,)


def g(x):
    if x > 1:
        return x * x
    return torch.sin(x)
