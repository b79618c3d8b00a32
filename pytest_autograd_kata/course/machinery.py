"""What in a learner's kata file reaches for the machinery around it, read on the trusted side
from the file's text before anything runs (parsed, never imported or run).

No answer to a kata needs the runner's modules, the stack and its frames, the garbage
collector's view of objects, raw memory, code built from strings, torch's private or aten-level
names, or functions of torch, NumPy or math replaced by its own. Code that reaches for them is
what forges the evidence a verdict rests on (a pass counter set by hand, a watch switched off, a
frame's locals rewritten), so each such place is a :class:`Finding` — what it reaches for, and
the line — for the teacher to review, never a silent pass. Everything else an answer may
write, in any style, is left alone: a finding is a reason to look, so there must be none in
an honest answer.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .i18n import t
from .outcomes import Flag

#: modules whose import alone reaches for the machinery, and what they are for
MODULES = {
    "gc": "gc",
    "inspect": "frames",
    "ctypes": "memory",
    "_ctypes": "memory",
    "importlib": "import_system",
    "builtins": "builtins",
    "marshal": "code_objects",
    "code": "code_from_strings",
    "codeop": "code_from_strings",
    "runpy": "code_from_strings",
    "dis": "code_objects",
    "signal": "processes",
    "pytest_autograd_kata": "runner",
    "pytest": "checks",
    "_pytest": "checks",
    "hypothesis": "checks",
}
#: attributes that reach for it, whatever they are read on
ATTRIBUTES = {
    "_getframe": "frames", "_current_frames": "frames",
    "settrace": "tracer", "setprofile": "tracer",
    "gettrace": "tracer", "getprofile": "tracer",
    "addaudithook": "audit", "meta_path": "import_system",
    "path_hooks": "import_system", "path_importer_cache": "import_system",
    "f_back": "frames", "f_globals": "frames", "f_locals": "frames",
    "f_code": "frames", "tb_frame": "frames", "gi_frame": "frames",
    "cr_frame": "frames", "ag_frame": "frames",
    "walk_stack": "frames", "extract_stack": "frames",
    "format_stack": "frames", "print_stack": "frames", "StackSummary": "frames",
    "FrameType": "frames", "CodeType": "code_objects", "FunctionType": "code_objects",
    "TracebackType": "tracebacks", "CellType": "function_internals",
    "TorchFunctionMode": "interception", "TorchDispatchMode": "interception",
    "as_strided": "memory", "stride_tricks": "memory",
    "__dict__": "attribute_tables", "__class__": "types",
    "__bases__": "types", "__mro__": "types", "__subclasses__": "types",
    "__globals__": "function_internals", "__code__": "function_internals", "__closure__": "function_internals",
    "__defaults__": "function_internals", "__kwdefaults__": "function_internals", "__builtins__": "builtins",
    "__import__": "import_system", "__getattribute__": "attribute_tables",
    "__setattr__": "attribute_tables", "__delattr__": "attribute_tables",
    "__traceback__": "tracebacks", "__self__": "function_internals", "__func__": "function_internals",
    "__wrapped__": "function_internals", "__spec__": "import_system", "__loader__": "import_system",
    "__reduce__": "code_objects", "__reduce_ex__": "code_objects",
}
#: attributes of torch that reach below its public functions
TORCH_ATTRIBUTES = {"ops": "aten", "aten": "aten"}
#: attributes of ``os`` that reach for the file descriptors and processes around the kata
OS_ATTRIBUTES = {"write", "writev", "pwrite", "dup", "dup2", "close", "closerange", "kill", "killpg", "fdopen",
                 "ptrace", "system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "truncate",
                 "ftruncate", "setsid", "setpgid", "setuid", "setgid"}
#: builtins that build code from strings or reach objects by computed names
BUILTINS = {"eval": "code_from_strings", "exec": "code_from_strings",
            "compile": "code_from_strings", "__import__": "import_system",
            "globals": "attribute_tables", "vars": "attribute_tables",
            "setattr": "computed_names", "delattr": "computed_names"}
#: methods a tensor subclass defines to answer for torch's functions
SUBCLASS_HOOKS = {"__torch_function__", "__torch_dispatch__"}
#: modules whose functions an answer may call but never replace
THIRD_PARTY_ROOTS = ("torch", "numpy", "math", "cmath", "scipy", "matplotlib")


@dataclass(frozen=True)
class Finding:
    """A place in a learner's file that reaches for the machinery: the ``line``, the ``code``
    there, ``what`` (the name it reaches through) and ``why``, what that name is for (a key of
    :func:`reason`)."""
    line: int
    what: str
    why: str
    code: str


def flags(sources: dict[str, str], paths: dict[str, str]) -> list[Flag]:
    """What every file of a learner's kata (``sources`` by module, named as ``paths`` names them)
    reaches for, as the flags of its result."""
    return [Flag(paths.get(module, module), f.line, f.what, reason(f.why), f.code)
            for module, text in sources.items() for f in scan(text)]


def reason(key: str) -> str:
    """What a name reached for is for (``frames``: "frames and the stack"), in the run's language;
    the learner's process reports its audit events with the same keys."""
    return t(f"machinery_{key}")


def scan(source: str) -> list[Finding]:
    """Every place in ``source`` (a kata module's text) that reaches for the machinery, in order;
    none for a module Python cannot parse (the checks say why it does not load)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.splitlines()
    found: dict[tuple[int, str], Finding] = {}
    for line, what, why in _Reader(_modules_bound(tree)).visit_all(tree):
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        held = found.get((line, why))
        if held is None or len(what) > len(held.what):  # torch.ops.aten says more than torch.ops
            found[line, why] = Finding(line, what, why, code[:200])
    return sorted(found.values(), key=lambda f: (f.line, f.what))


def _modules_bound(tree: ast.AST) -> dict[str, str]:
    """Name -> the module (or a module's attribute) it is bound to by the file's imports."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _root(module: str) -> str:
    return module.split(".")[0]


def _dotted(node: ast.AST, bound: dict[str, str]) -> str | None:
    """``torch.Tensor.cos`` for an attribute chain rooted in an imported name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in bound:
        return ".".join([bound[node.id], *reversed(parts)])
    return None


class _Reader(ast.NodeVisitor):
    def __init__(self, bound: dict[str, str]) -> None:
        self.bound = bound
        self.found: list[tuple[int, str, str]] = []

    def visit_all(self, tree: ast.AST) -> list[tuple[int, str, str]]:
        self.visit(tree)
        return self.found

    def _flag(self, node: ast.AST, what: str, why: str) -> None:
        self.found.append((getattr(node, "lineno", 0), what, why))

    def _module(self, node: ast.AST, name: str) -> None:
        parts = name.split(".")
        if parts[0] in MODULES:
            self._flag(node, f"import {name}", MODULES[parts[0]])
        private = next((p for p in parts[1:] if p.startswith("_")), None)
        if private is not None:
            self._flag(node, f"import {name}", "private")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # the learner's own modules
        self._module(node, node.module)
        for alias in node.names:
            self._name(node, alias.name, f"from {node.module} import {alias.name}")

    def _name(self, node: ast.AST, name: str, shown: str) -> None:
        if name in ATTRIBUTES:
            self._flag(node, shown, ATTRIBUTES[name])
        elif name.startswith("_") and not name.startswith("__"):
            self._flag(node, shown, "private")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = _dotted(node, self.bound)
        shown = dotted or f"….{node.attr}"
        if node.attr in ATTRIBUTES:
            self._flag(node, shown, ATTRIBUTES[node.attr])
        elif node.attr.startswith("_") and not node.attr.startswith("__") and not _is_own(node.value):
            self._flag(node, shown, "private")
        elif dotted and _root(dotted) == "os" and node.attr in OS_ATTRIBUTES and dotted.count(".") == 1:
            self._flag(node, shown, "processes")
        elif dotted and _root(dotted) == "torch" and node.attr in TORCH_ATTRIBUTES:
            self._flag(node, shown, TORCH_ATTRIBUTES[node.attr])
        elif dotted and _root(dotted) == "sys" and node.attr == "modules":
            self._flag(node, shown, "runner")
        if isinstance(node.ctx, (ast.Store, ast.Del)) and dotted and _root(dotted) in (*THIRD_PARTY_ROOTS, "sys", "os"):
            self._flag(node, shown, "replacing")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in BUILTINS and node.id not in self.bound:
            self._flag(node, node.id, BUILTINS[node.id])
        elif node.id in ("__builtins__", "__import__"):
            self._flag(node, node.id, ATTRIBUTES[node.id])

    def visit_Call(self, node: ast.Call) -> None:
        # getattr with a name computed at run time reaches any attribute, private ones included
        if isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr") and node.func.id not in self.bound:
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self._flag(node, f"{node.func.id}(…, …)", "computed_names")
            else:
                self._name(node, name.value, f"{node.func.id}(…, {name.value!r})")
        if isinstance(node.func, ast.Name) and node.func.id == "open" and node.args:
            path = node.args[0]
            if isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value.startswith(("/proc", "/dev/fd")):
                self._flag(node, f"open({path.value!r})", "proc")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in SUBCLASS_HOOKS:
            self._flag(node, f"def {node.name}", "interception")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            dotted = _dotted(base, self.bound) if isinstance(base, ast.Attribute) else self.bound.get(getattr(base, "id", ""))
            if dotted and dotted.endswith("autograd.Function"):
                self._flag(node, f"class {node.name}({dotted})", "own_backward")
        self.generic_visit(node)


def _is_own(node: ast.AST) -> bool:
    """``self``/``cls``: an object of the learner's own class, whose private parts are its own."""
    return isinstance(node, ast.Name) and node.id in ("self", "cls")
