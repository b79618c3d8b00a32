"""Allocates x.grad by hand, so it is not None before any backward pass."""
import torch


def make_x(n, device="cpu"):
    x = torch.arange(n, dtype=torch.float32, device=device, requires_grad=True)
    x.grad = torch.zeros_like(x)
    return x
