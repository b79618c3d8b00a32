# Right: builds the floats with torch.tensor from a Python range, then switches on recording.
import torch


def make_x(n, device="cpu"):
    x = torch.tensor([float(i) for i in range(n)], device=device)
    x.requires_grad_()
    return x
