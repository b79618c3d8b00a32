# Right: the branch is a conditional expression on the return line.
import torch


def domain():
    return (-2.0, 4.0)


def boundaries():
    return (1.0,)


def g(x):
    return torch.exp(x) if x > 1 else x * x * x
