"""requires_grad set, then a further operation makes x a non-leaf whose .grad is never stored."""
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, dtype=torch.float32, device=device, requires_grad=True) * 1.0
