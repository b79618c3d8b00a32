# Right: a piece that oscillates fast (sin(20x)) beside a steep one: curved, but smooth between the boundaries.
import torch


def domain():
    return (-3.0, 3.0)


def boundaries():
    return (0.0,)


def g(x):
    if x > 0:
        return torch.sin(20 * x)
    return torch.exp(4 * x) - 1
