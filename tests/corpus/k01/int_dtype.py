"""arange(n) without a float dtype: int64 cannot record gradients."""
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, device=device)
