# Right: every choice in one call: float32 values on the device, recording from the start.
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, dtype=torch.float32, device=device, requires_grad=True)
