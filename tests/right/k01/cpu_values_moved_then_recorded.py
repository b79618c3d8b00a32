# Right: the values are made on the CPU and moved, and only then asked to record: x is a leaf on device.
import numpy as np
import torch


def make_x(n, device="cpu"):
    values = torch.from_numpy(np.arange(n, dtype=np.float32))
    x = values.to(torch.device(device))
    x.requires_grad = True
    return x
