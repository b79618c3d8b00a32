"""k01 reference solution."""
import torch


def make_x(n: int, device: str = "cpu") -> torch.Tensor:
    """Return a new ``x = [0., 1., ..., n-1]`` (float32) on ``device``, ready to record gradients."""
    # arange(n) alone gives int64, and only floating-point tensors can require gradients.
    x = torch.arange(n, dtype=torch.float32, device=device)
    return x.requires_grad_(True)
