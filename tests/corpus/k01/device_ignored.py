"""Ignores device: x is always made on the CPU."""
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, dtype=torch.float32, requires_grad=True)
