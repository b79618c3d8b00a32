"""A smooth formula with no if or loop that reads x: the same path for every x."""
import torch


def domain():
    return (-2.0, 2.0)


def boundaries():
    return (0.0,)


def g(x):
    return x * x + torch.sin(x)
