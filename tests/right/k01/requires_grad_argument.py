# Right: the book's one-liner form, torch.arange(4.0, requires_grad=True), for any n.
import torch


def make_x(n, device="cpu"):
    return torch.arange(float(n), device=device, requires_grad=True)
