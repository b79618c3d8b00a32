"""Records gradients on a CPU x, then moves it with .to(device): on any other device x is a copy, not a leaf."""
import torch


def make_x(n, device="cpu"):
    x = torch.arange(n, dtype=torch.float32, requires_grad=True)
    return x.to(device)
