# Right: an empty float32 tensor on the device, filled with arange(out=...), then recording switched on.
import torch


def make_x(n, device="cpu"):
    x = torch.empty(n, dtype=torch.float32, device=device)
    torch.arange(n, out=x)
    return x.requires_grad_(True)
