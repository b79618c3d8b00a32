"""The functions of torch, NumPy and math as they were before any learner code ran: taken in the
zygote (:func:`take`), so every learner process forked from it holds them.

A check names functions for the learner's process to run (``kata.call(torch.autograd.grad, y, x)``);
the learner's process finds them here (:func:`function`), not through the modules the learner's
code may have changed (``torch.autograd.grad = ...``). And what the learner's code replaced in
those modules is found (:func:`replaced`), to be flagged for review: no answer needs it.
"""
from __future__ import annotations

from importlib import import_module
from operator import is_, itemgetter
from typing import Any, Callable

#: where a check's functions, and those the learner's code might replace to fool one, live
NAMESPACES = ("torch", "torch.Tensor", "torch._C.TensorBase", "torch.autograd", "torch.autograd.graph",
              "torch.autograd.function", "torch.nn.functional", "torch.linalg", "torch.special", "torch.testing",
              "math", "cmath", "numpy", "builtins")
#: classes, whose tables may not grow: a name added to torch.Tensor hides the one its C base has
#: (a module's table may: a submodule imported later adds its name)
CLASSES = ("torch.Tensor", "torch._C.TensorBase")

#: namespace -> (its attribute table, its callables and descriptors then by name, every name then)
_taken: dict[str, tuple[Any, dict[str, Any], frozenset[str]]] = {}
#: namespace -> what its table held at the last look that found a change (the callables and
#: descriptors of the snapshot, with the changed names as they were then: a getter of those
#: names, what they held) and how many names it had: the next look compares with this first, so
#: a change already told of (torch wraps torch.manual_seed on its first call) costs one
#: comparison, not a scan of every name, per reply.
_last_seen: dict[str, tuple[Callable[[dict], tuple], tuple, int]] = {}


def _look(held: dict[str, Any], size: int) -> tuple[Callable[[dict], tuple], tuple, int]:
    """What :func:`replaced` compares a table with: the names of ``held``, and what they held."""
    names = list(held)
    getter = itemgetter(*names) if len(names) > 1 else lambda table: tuple(table[name] for name in names)
    return getter, tuple(held.values()), size


def _unchanged(table: dict, look: tuple[Callable[[dict], tuple], tuple, int], closed: bool) -> bool:
    """Each name of the look holds the very object it held (by identity: an object of the
    learner's that says it equals anything is no match), and a class's table has not grown."""
    getter, values, size = look
    try:
        now = getter(table)
    except KeyError:
        return False
    return all(map(is_, now, values)) and not (closed and len(table) != size)


def _owner(dotted: str) -> Any:
    if dotted in CLASSES:
        torch = import_module("torch")
        return torch.Tensor if dotted == "torch.Tensor" else torch._C.TensorBase
    return import_module(dotted)


def take() -> None:
    """What each namespace holds now: its callables and descriptors (plain values are left out:
    they are not functions to replace, and some, such as tensors, do not compare)."""
    for dotted in NAMESPACES:
        try:
            table = vars(_owner(dotted))
        except ImportError:
            continue
        functions = {name: value for name, value in table.items() if callable(value) or hasattr(type(value), "__get__")}
        _taken[dotted] = (table, functions, frozenset(table))
        _last_seen.pop(dotted, None)


def function(dotted: str) -> Any | None:
    """What ``dotted`` ("torch.autograd.grad", "torch.Tensor.retain_grad") named when the
    snapshot was taken, or None when no snapshot holds it."""
    owner, _, name = dotted.rpartition(".")
    for namespace in (owner, "torch._C.TensorBase") if owner == "torch.Tensor" else (owner,):
        held = _taken.get(namespace)
        if held is not None and name in held[1]:
            return held[1][name]
    return None


def replaced() -> list[str]:
    """The names of the snapshot that now hold something else or nothing, and the names added to
    a class's table, where what they hold is not the packages' own (torch wraps some of its own
    functions when it imports a part of itself later): what the learner's code replaced. Each is
    told by the first look that finds its namespace changed since the look before; one
    comparison per namespace when none is."""
    found: set[str] = set()
    for namespace, (table, then, names) in _taken.items():
        closed = namespace in CLASSES
        if namespace not in _last_seen:
            _last_seen[namespace] = _look(then, len(names))
        if _unchanged(table, _last_seen[namespace], closed):
            continue
        changed = {name for name, value in then.items() if table.get(name) is not value}
        changed |= table.keys() ^ names if closed else set()
        found.update(f"{namespace}.{name}" for name in changed if not _the_packages_own(table.get(name)))
        # (a name of the snapshot that is gone stays out: the table no longer holds it)
        _last_seen[namespace] = _look({name: table[name] for name in then.keys() | changed if name in table},
                                      len(table))
    return sorted(found)


def _the_packages_own(value: object) -> bool:
    """Made by torch, NumPy or Python themselves (a wrapper of theirs keeps their module)."""
    module = getattr(value, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] in PACKAGES


#: whose functions those of the namespaces are
PACKAGES = frozenset({"torch", "numpy", "math", "cmath", "builtins"})
