"""The functions of torch, NumPy and math as they were before any learner code ran: taken in the
zygote (:func:`take`), so every learner process forked from it holds them.

A check names functions for the learner's process to run (``kata.call(torch.autograd.grad, y, x)``);
the learner's process finds them here (:func:`function`), not through the modules the learner's
code may have changed (``torch.autograd.grad = ...``). And what the learner's code replaced in
those modules is found (:func:`replaced`), to be flagged for review: no answer needs it.
"""
from __future__ import annotations

import gc
import struct
from ctypes import _SimpleCData, c_uint64
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
#: namespace -> where its table's version is read (see _version_cell); and what they read at the
#: last look, which none of the tables had changed since (None: look name by name)
_version_cells: dict[str, Any] = {}
_last_versions: tuple[int, ...] | None = None

#: where a dict keeps its version (PEP 509; CPython 3.11 to 3.13), past its header and size
VERSION_AT = object.__basicsize__ + struct.calcsize("n")
#: a version's reader, the C one itself: the learner's code changing ctypes' classes changes nothing here
_read_version = vars(_SimpleCData)["value"].__get__


def _dict_of(table: Any) -> dict:
    """The dict itself behind a namespace's table (a class's ``vars`` is a read-only view of it)."""
    if type(table) is dict:
        return table
    (inside,) = gc.get_referents(table)
    if type(inside) is not dict:
        raise TypeError(f"no dict behind {type(table).__name__}")
    return inside


def _version_cell(table: Any) -> Any:
    return c_uint64.from_address(id(_dict_of(table)) + VERSION_AT)


def _versions_change() -> bool:
    """Whether this Python's dicts keep a version where :func:`_version_cell` reads it, new at
    every change (a value replaced, a name added or removed; a class's table too): tried on two."""
    class Probe:
        name = 1

    plain = {"name": 1}
    try:
        cells = _version_cell(vars(Probe)), _version_cell(plain)
        seen = [tuple(map(_read_version, cells))]
        for change in (lambda: setattr(Probe, "name", 2), lambda: plain.__setitem__("name", 2),
                       lambda: plain.__setitem__("other", 3), lambda: plain.__delitem__("other")):
            change()
            seen.append(tuple(map(_read_version, cells)))
    except Exception:  # another layout: every look compares name by name
        return False
    return all(before != after for before, after in zip(seen, seen[1:]))


#: whether a look may begin with the tables' versions (see replaced)
VERSIONED = _versions_change()


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
        if VERSIONED:
            _version_cells[dotted] = _version_cell(table)
    global _last_versions
    _last_versions = None


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
    told by the first look that finds its namespace changed since the look before.

    A look begins with each table's version, which CPython renews at every change to a dict: when
    none changed since the last look, nothing was replaced (most replies: a few reads). Where
    this Python keeps no such version, or a table changed, each namespace is compared name by
    name with what it last held, one comparison per namespace when it is unchanged."""
    global _last_versions
    versions = tuple(map(_read_version, _version_cells.values())) if VERSIONED else None
    if versions is not None and versions == _last_versions:
        return []
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
    _last_versions = versions  # read before the tables were: a change since makes the next look read them again
    return sorted(found)


def _the_packages_own(value: object) -> bool:
    """Made by torch, NumPy or Python themselves (a wrapper of theirs keeps their module)."""
    module = getattr(value, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] in PACKAGES


#: whose functions those of the namespaces are
PACKAGES = frozenset({"torch", "numpy", "math", "cmath", "builtins"})
