"""Dotted names of functions, as both sides of the runner write and read them: ``"torch.sin"``,
``"torch.Tensor.cos"``, ``"pytest_autograd_kata.runner.probes.call"``."""
from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

#: names found not to be modules ("torch.Tensor"): importing one again would search its
#: package's folders again, at every call of a function named through it
_not_modules: set[str] = set()
#: modules read before sys.modules (see keep)
_kept: dict[str, Any] = {}


def keep(modules: dict[str, Any]) -> None:
    """Read these modules (by name) here, whatever ``sys.modules`` holds: a learner process keeps
    the runner's own modules out of it (see learner.serve)."""
    _kept.update(modules)


def _module(name: str) -> Any:
    module = _kept.get(name) or sys.modules.get(name)
    if module is not None or name in _not_modules:
        return module
    try:
        return import_module(name)
    except ImportError:
        _not_modules.add(name)
        return None


def owner_of(dotted: str) -> tuple[Any, str]:
    """``"torch.Tensor.cos"`` -> ``(torch.Tensor, "cos")``: what holds the last name (the
    longest leading part that is a module, then attributes), and that name. LookupError when
    no leading part is a module; AttributeError when an attribute on the way is missing."""
    owner_path, _, name = dotted.rpartition(".")
    parts = owner_path.split(".")
    for split in range(len(parts), 0, -1):
        owner = _module(".".join(parts[:split]))
        if owner is None:
            continue
        for attribute in parts[split:]:
            owner = getattr(owner, attribute)
        return owner, name
    raise LookupError(f"no module in {dotted!r}")
