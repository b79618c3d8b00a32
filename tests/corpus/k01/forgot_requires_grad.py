"""Float values, but requires_grad is never switched on."""
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, dtype=torch.float32, device=device)
