# Wrong: relu(x - 0.5) bends g at 0.5 without any change of path, and no boundary is there.
import torch


def domain():
    return (-2.0, 2.0)


def boundaries():
    return (0.0,)


def g(x):
    if x > 0:
        return torch.relu(x - 0.5) + x
    return torch.sin(x)
