"""Branches on x.item() and builds the result from that number, so the graph to x is cut."""
import torch


def domain():
    return (-2.0, 2.0)


def boundaries():
    return (0.0,)


def g(x):
    value = x.item()
    if value > 0:
        return torch.tensor(value * value, dtype=x.dtype, device=x.device)
    return torch.tensor(-value, dtype=x.dtype, device=x.device)
