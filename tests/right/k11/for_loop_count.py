# Right: a for loop runs int(x) times, so its count changes at every integer of the domain.
import torch


def domain():
    return (0.5, 4.5)


def boundaries():
    return (1.0, 2.0, 3.0, 4.0)


def g(x):
    y = x
    for _ in range(int(x)):
        y = torch.sin(y) + y / 2
    return y
