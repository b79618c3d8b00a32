"""Notices when code under check replaced something that decides a verdict.

Before a learner's module is imported, :func:`take` records which object every attribute of
torch, torch.Tensor, torch.testing, torch.autograd, the toolkit's modules, the check modules
and the pytest, pluggy and Hypothesis internals that turn a check into an outcome refers to.
After each check, :meth:`Snapshot.changes` names those that now refer to something else (a
patched ``Tensor.__eq__``, a no-op ``assert_tensor_close``, a check whose ``__code__`` was
swapped). It compares identities only, so a check costs well under a millisecond.

It stops patching, not a determined attacker: code that runs in the same process can still
dig the grader's objects out of memory. Grade inside a container when that is the worry.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any, Iterable

#: modules whose attributes decide a verdict (those not imported are left out)
MODULES = (
    "builtins", "torch", "torch.testing", "torch.autograd", "torch.autograd.grad_mode",
    "hypothesis", "hypothesis.core", "pytest", "_pytest.runner", "_pytest.python",
    "_pytest.reports", "_pytest.outcomes", "_pytest.fixtures", "_pytest.main",
    "_pytest.skipping", "pluggy._callers", "pluggy._hooks", "pluggy._manager",
)
#: classes whose methods decide a verdict, as (module, class name)
CLASSES = (
    ("torch", "Tensor"), ("torch._C", "TensorBase"), ("_pytest.reports", "TestReport"),
    ("_pytest.runner", "CallInfo"), ("_pytest.python", "Function"), ("pluggy._hooks", "HookCaller"),
)
TOOLKIT = "pytest_autograd_kata"
#: entries rebound by Python (warnings, the REPL), Hypothesis (a flag set as each test starts)
#: or torch itself (Storage follows set_default_dtype; torch._dynamo, which some ops import
#: on first use, wraps manual_seed)
IGNORED = frozenset({"__warningregistry__", "_", "running_under_pytest", "Storage", "manual_seed"})
#: how many changed names a message lists
SHOWN = 3


@dataclass
class Snapshot:
    #: label -> (the namespace, a copy of what it held)
    namespaces: dict[str, tuple[Any, dict[str, Any]]] = field(default_factory=dict)
    #: label -> (function, its code object)
    code: dict[str, tuple[FunctionType, Any]] = field(default_factory=dict)

    def changes(self) -> list[str]:
        """The dotted names that no longer refer to what they did when the snapshot was taken."""
        changed = []
        for label, (namespace, before) in self.namespaces.items():
            now = vars(namespace)
            changed += [f"{label}.{name}" for name, value in before.items()
                        if name not in IGNORED and now.get(name, _MISSING) is not value]
            if isinstance(namespace, type):  # a method added to a class overrides the inherited one
                changed += [f"{label}.{name}" for name in now.keys() - before.keys()]
        changed += [label for label, (function, code) in self.code.items() if function.__code__ is not code]
        return changed


_MISSING = object()


def _namespaces(check_modules: Iterable[Any]) -> dict[str, Any]:
    found = {name: sys.modules[name] for name in MODULES if name in sys.modules}
    found.update((name, module) for name, module in sys.modules.items()
                 if name == TOOLKIT or name.startswith(TOOLKIT + "."))
    for module_name, class_name in CLASSES:
        cls = getattr(sys.modules.get(module_name), class_name, None)
        if cls is not None:
            found[f"{module_name}.{class_name}"] = cls
    found.update((module.__name__, module) for module in check_modules)
    return found


def _check_functions(functions: Iterable[Any]) -> dict[str, FunctionType]:
    """Each check and, for a Hypothesis test, the inner test it wraps."""
    found = {}
    for function in functions:
        inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
        for candidate in (function, inner):
            if isinstance(candidate, FunctionType):
                found[f"{candidate.__module__}.{candidate.__qualname__}.__code__"] = candidate
    return found


def take(check_modules: Iterable[Any] = (), check_functions: Iterable[Any] = ()) -> Snapshot:
    snapshot = Snapshot()
    for label, namespace in _namespaces(check_modules).items():
        snapshot.namespaces[label] = (namespace, dict(vars(namespace)))
    for label, function in _check_functions(check_functions).items():
        snapshot.code[label] = (function, function.__code__)
    return snapshot


def describe(changed: list[str]) -> str:
    """``a, b, c (and 4 more)``: enough for a teacher to see what was patched."""
    shown = ", ".join(changed[:SHOWN])
    return shown if len(changed) <= SHOWN else f"{shown} (+{len(changed) - SHOWN})"
