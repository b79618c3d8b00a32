# Right: a one-line while halves |y| down to 1, so its count changes at ±1, ±2 and ±4.
import torch


def domain():
    return (-8.0, 8.0)


def boundaries():
    return (-4.0, -2.0, -1.0, 1.0, 2.0, 4.0)


def g(x):
    y = x
    while y.abs() > 1: y = y / 2  # noqa: E701
    return torch.sin(3 * y) + y * y
