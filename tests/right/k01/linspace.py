# Right: n evenly spaced points from 0 to n - 1 are 0, 1, ..., n-1 (a step of exactly 1.0).
import torch


def make_x(n, device="cpu"):
    return torch.linspace(0, n - 1, n, device=device, requires_grad=True)
