# Right: integers made on the device, converted to float32 there, then recording switched on in place.
import torch


def make_x(n, device="cpu"):
    return torch.arange(n, device=device).float().requires_grad_()
