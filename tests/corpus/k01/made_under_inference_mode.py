"""Builds x under torch.inference_mode(): an inference tensor, which autograd cannot use as a normal leaf."""
import torch


def make_x(n, device="cpu"):
    with torch.inference_mode():
        return torch.arange(n, dtype=torch.float32, device=device, requires_grad=True)
