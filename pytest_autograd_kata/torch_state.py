"""Torch's process-wide settings, put back to their defaults before every kata check, so
what one check (or one learner module) changed cannot decide another check's verdict."""
from __future__ import annotations

import torch

#: the seed every check starts from, so a check that draws random numbers is repeatable
SEED = 0


def reset() -> None:
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float32)
    torch.autograd.set_detect_anomaly(False)
    torch.manual_seed(SEED)
