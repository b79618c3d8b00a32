# Right: the branch is a one-line if that overwrites y, so both paths run the same lines.
import torch


def domain():
    return (-3.0, 3.0)


def boundaries():
    return (0.0,)


def g(x):
    y = x * x
    if x < 0: y = torch.sin(5 * x)  # noqa: E701
    return y
