"""Which devices the checks run on (``--kata-devices``)."""
from __future__ import annotations

from dataclasses import dataclass

KNOWN = ("cpu", "cuda", "mps")
AUTO = "auto"


class DeviceSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Device:
    name: str
    #: why the device cannot be used here, or "" when it can
    unavailable: str = ""


def parse_spec(spec: str) -> list[str]:
    """``auto`` or a comma list of known device types; raises with the fix on anything else."""
    spec = (spec or AUTO).strip().lower()
    if spec == AUTO:
        return [AUTO]
    names = [part.strip() for part in spec.split(",") if part.strip()]
    unknown = [n for n in names if n not in KNOWN]
    if unknown or not names:
        raise DeviceSpecError(
            f"unknown device {', '.join(unknown) or repr(spec)}; "
            f"use auto or a comma list of {', '.join(KNOWN)}")
    return list(dict.fromkeys(names))


def _why_unavailable(name: str) -> str:
    import torch  # only when a check asks for devices: plugin load stays light

    if name == "cpu":
        return ""
    if name == "cuda":
        return "" if torch.cuda.is_available() else "CUDA is not available (no NVIDIA GPU or a CPU build of torch)"
    backend = getattr(torch.backends, "mps", None)
    return "" if backend is not None and backend.is_available() else "MPS is not available (not an Apple-silicon Mac)"


def resolve(spec: str) -> list[Device]:
    """The devices to parametrize over. Under ``auto`` absent devices are left out (a learner
    on a laptop should not read skips for hardware they never asked for); named ones that
    are absent stay in and are skipped with the reason."""
    names = parse_spec(spec)
    if names == [AUTO]:
        return [Device(n) for n in KNOWN if not _why_unavailable(n)]
    return [Device(n, _why_unavailable(n)) for n in names]
