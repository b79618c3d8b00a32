# Right: pieces that are steep and strongly curved right next to the boundary (sqrt, a fast exponential), yet smooth.
import torch


def domain():
    return (-2.0, 4.0)


def boundaries():
    return (0.0,)


def g(x):
    if x > 0:
        return torch.sqrt(x)
    return torch.exp(30 * x) - 1
