"""Mutation operators for autograd code, written for cosmic-ray's engine (its ``Operator``
interface on parso trees) beside cosmic-ray's own operators, which change arithmetic,
comparisons, constants and booleans. Each operator here makes a mistake a learner of this
course makes; a kata whose checks let the mutant through has a hole a learner can fall into.

A mutated node is replaced by one leaf that holds the new code as text: parso writes a tree
back as the text of its leaves, so the rest of the module keeps its exact spelling.
"""
from __future__ import annotations

import ast
from typing import Iterator

from cosmic_ray.operators.operator import Example, Operator
from parso.python import tree

#: the keyword arguments of autograd calls whose absence is a classic mistake
DROPPED_KEYWORDS = ("retain_graph", "create_graph", "requires_grad", "gradient", "grad_outputs", "dtype",
                    "allow_unused", "inputs")
#: methods whose call a learner forgets: ``x.grad.zero_()``, ``x.requires_grad_()``, ``y.detach()``...
DROPPED_CALLS = ("zero_", "requires_grad_", "detach", "clone", "item", "sum", "retain_grad")
#: one method where another was meant
REPLACED_CALLS = (("detach", "clone"), ("clone", "detach"), ("sum", "mean"))
#: backward's arguments as torch.autograd.grad names them, and back; the others have no counterpart
BACKWARD_TO_GRAD = {"gradient": "grad_outputs", "retain_graph": "retain_graph", "create_graph": "create_graph"}
GRAD_TO_BACKWARD = {value: key for key, value in BACKWARD_TO_GRAD.items()}
#: a constant ten times larger or smaller: a tolerance, a bound or a step off by an order of magnitude
SCALES = (10, 0.1)
#: what memoizes a function: its own import (the mutant changes one place), then the decorator
MEMOIZED = "import functools\n\n\n@functools.cache"


def code(node, with_prefix: bool = True) -> str:
    return node.get_code(include_prefix=with_prefix)


def replaced(node, text: str) -> tree.Name:
    """A leaf that writes ``text`` where ``node`` was, with the whitespace before it."""
    return tree.Name(text, node.start_pos, prefix=node.get_first_leaf().prefix)


def is_chain(node) -> bool:
    """``a.b(c)[d]``: a name or atom followed by trailers."""
    return node.type in ("atom_expr", "power") and any(c.type == "trailer" for c in node.children)


def method_calls(node, name: str) -> Iterator[int]:
    """Indices ``i`` in a chain where ``children[i]`` is ``.name`` and ``children[i + 1]`` calls it."""
    if not is_chain(node):
        return
    children = node.children
    for i in range(1, len(children) - 1):
        attribute, call = children[i], children[i + 1]
        if attribute.type == "trailer" and attribute.children[0].value == "." \
                and attribute.children[1].value == name and call.type == "trailer" \
                and call.children[0].value == "(":
            yield i


def arguments(call) -> list:
    """The argument nodes of a call trailer ``( ... )``, without the commas."""
    inner = call.children[1:-1]
    if not inner:
        return []
    if inner[0].type == "arglist":
        return [c for c in inner[0].children if not (c.type == "operator" and c.value == ",")]
    return inner


def keyword(argument) -> str | None:
    """The name of a keyword argument ``name=value``; None for a positional one."""
    if argument.type == "argument" and len(argument.children) == 3 and argument.children[1].value == "=":
        return argument.children[0].value
    return None


def call_text(args: list[str]) -> str:
    return "(" + ", ".join(args) + ")"


def is_statement(node) -> bool:
    """The node is a whole statement of its own line (``x.grad.zero_()``, ``y.backward()``)."""
    # (a module's last line, without its newline, hangs from the module itself)
    return node.parent is not None and node.parent.type in ("simple_stmt", "file_input")


def enclosing_parameters(node) -> list[str]:
    function = node.search_ancestor("funcdef")
    return [p.name.value for p in function.get_params()] if function is not None else []


class Placed(Operator):
    """An operator that lists the places it can change in a node (``places``) and makes the
    change at one of them (``change``); cosmic-ray numbers the places across the module."""

    def places(self, node) -> list:
        raise NotImplementedError

    def change(self, node, place):
        raise NotImplementedError

    def mutation_positions(self, node):
        for _ in self.places(node):
            yield node.start_pos, node.end_pos

    def mutate(self, node, index):
        return self.change(node, self.places(node)[index])


def _named(cls: type, name: str, doc: str) -> type:
    """``cls`` under the name cosmic-ray lists it by, and its docstring (made per method)."""
    cls.__name__ = cls.__qualname__ = name
    cls.__doc__ = doc
    return cls


def _is_torch_function(node, i: int) -> bool:
    """``torch.sum(x)``: a function of the module, not a method of a tensor."""
    return i == 1 and node.children[0].type == "name" and node.children[0].value == "torch"


def _drop_call(method: str) -> type:
    class DropCall(Placed):
        def places(self, node):
            return [i for i in method_calls(node, method) if not _is_torch_function(node, i)]

        def change(self, node, i):
            kept = node.children[:i] + node.children[i + 2:]
            return replaced(node, "".join(code(c, n > 0) for n, c in enumerate(kept)))

        @classmethod
        def examples(cls):
            return (Example(f"y = x.{method}(1).cpu()", "y = x.cpu()"),)

    return _named(DropCall, f"DropCall_{method}", f"``a.{method}(...)`` becomes ``a``.")


def _replace_call(old: str, new: str) -> type:
    class ReplaceCall(Placed):
        def places(self, node):
            return list(method_calls(node, old))

        def change(self, node, i):
            pieces = [code(c, n > 0) for n, c in enumerate(node.children)]
            pieces[i] = code(node.children[i]).replace(old, new)
            return replaced(node, "".join(pieces))

        @classmethod
        def examples(cls):
            return (Example(f"y = x.{old}()", f"y = x.{new}()"),)

    return _named(ReplaceCall, f"ReplaceCall_{old}_{new}", f"``a.{old}(...)`` becomes ``a.{new}(...)``.")


class DetachToData(Placed):
    """``y.detach()`` becomes ``y.data``: the same values without history, but a tensor autograd
    no longer watches (an in-place change to it goes unnoticed)."""

    def places(self, node):
        return [i for i in method_calls(node, "detach") if not arguments(node.children[i + 1])]

    def change(self, node, i):
        pieces = [code(c, n > 0) for n, c in enumerate(node.children)]
        pieces[i], pieces[i + 1] = ".data", ""
        return replaced(node, "".join(pieces))

    @classmethod
    def examples(cls):
        return (Example("u = y.detach()", "u = y.data"),)


def _drop_keyword(name: str) -> type:
    class DropKeyword(Placed):
        def places(self, node):
            found = node.type == "trailer" and node.children[0].value == "(" \
                and any(keyword(a) == name for a in arguments(node))
            return [node] if found else []

        def change(self, node, _):
            return replaced(node, call_text([code(a, False) for a in arguments(node) if keyword(a) != name]))

        @classmethod
        def examples(cls):
            return (Example(f"f(a, {name}=True, b=2)", "f(a, b=2)"),)

    return _named(DropKeyword, f"DropKeyword_{name}", f"``f(a, {name}=v)`` becomes ``f(a)``.")


def chains(node) -> Iterator:
    """Every chain (``a.b(c)``) in ``node``, outermost first."""
    for child in getattr(node, "children", ()):
        if is_chain(child):
            yield child
        yield from chains(child)


def backward_root(node, i: int) -> str:
    """The text of what ``.backward`` is called on, the ``.backward`` being ``node.children[i]``."""
    return "".join(code(c, n > 0) for n, c in enumerate(node.children[:i]))


class AddRetainGraph(Placed):
    """``y.backward()`` becomes ``y.backward(retain_graph=True)`` where the function runs another
    backward pass from the same ``y`` after it: the graph is kept, so the second pass that
    should fail does not. (Elsewhere keeping the graph changes nothing anyone can see.)"""

    def places(self, node):
        function = node.search_ancestor("funcdef") if is_chain(node) else None
        if function is None:
            return []
        later = {backward_root(other, j) for other in chains(function) if other.start_pos > node.end_pos
                 for j in method_calls(other, "backward")}
        return [i for i in method_calls(node, "backward") if backward_root(node, i) in later
                and not any(keyword(a) == "retain_graph" for a in arguments(node.children[i + 1]))]

    def change(self, node, i):
        pieces = [code(c, n > 0) for n, c in enumerate(node.children)]
        pieces[i + 1] = call_text([code(a, False) for a in arguments(node.children[i + 1])] + ["retain_graph=True"])
        return replaced(node, "".join(pieces))

    @classmethod
    def examples(cls):
        return (Example("def f(y):\n    y.backward()\n    y.backward()\n",
                        "def f(y):\n    y.backward(retain_graph=True)\n    y.backward()\n"),)


class ClearByNone(Placed):
    """``x.grad.zero_()`` becomes ``x.grad = None``: the old gradient is dropped instead of
    cleared in place, so ``x.grad`` is another tensor afterwards."""

    def places(self, node):
        last = is_chain(node) and is_statement(node) and list(method_calls(node, "zero_")) == [len(node.children) - 2]
        return [node] if last else []

    def change(self, node, _):
        return replaced(node, "".join(code(c, n > 0) for n, c in enumerate(node.children[:-2])) + " = None")

    @classmethod
    def examples(cls):
        return (Example("x.grad.zero_()", "x.grad = None"),)


def _backward_statement(node) -> int | None:
    """The index of ``.backward`` when the node is the statement ``root.backward(...)``."""
    if not (is_chain(node) and is_statement(node)):
        return None
    found = list(method_calls(node, "backward"))
    return found[0] if found == [len(node.children) - 2] else None


class ForgeGradient(Placed):
    """``y.backward(...)`` becomes ``x.grad = torch.autograd.grad(y, x, ...)[0]`` for each
    parameter ``x`` of the function but ``y`` itself: the right values written into ``x.grad``
    without a backward pass, exactly as a gradient computed by hand would be."""

    def places(self, node):
        i = _backward_statement(node)
        if i is None:
            return []
        root = backward_root(node, i)
        return [(i, root, leaf) for leaf in enclosing_parameters(node) if leaf != root]

    def change(self, node, place):
        i, root, leaf = place
        extra = []
        for position, argument in enumerate(arguments(node.children[i + 1])):
            name = keyword(argument) or ("gradient" if position == 0 else None)
            if name in BACKWARD_TO_GRAD:
                value = code(argument.children[2], False) if keyword(argument) else code(argument, False)
                extra.append(f"{BACKWARD_TO_GRAD[name]}={value}")
        return replaced(node, f"{leaf}.grad = torch.autograd.grad{call_text([root, leaf, *extra])}[0]")

    @classmethod
    def examples(cls):
        return (Example("def f(x):\n    y = x * x\n    y.sum().backward()\n",
                        "def f(x):\n    y = x * x\n    x.grad = torch.autograd.grad(y.sum(), x)[0]\n"),)


def _grad_call(node):
    """The first ``torch.autograd.grad(outputs, one_input, ...)`` call inside ``node``."""
    for child in chains(node):
        if code(child, False).startswith("torch.autograd.grad(") and len(child.children) >= 4:
            args = arguments(child.children[3])
            if len(args) >= 2 and keyword(args[0]) is None and keyword(args[1]) is None \
                    and args[1].type in ("name", "atom_expr", "power"):
                return child
    return None


class GradToBackward(Placed):
    """``(g,) = torch.autograd.grad(y, x, ...)`` becomes ``y.backward(...); (g,) = (x.grad,)``:
    the same values, through a backward pass that also writes (and accumulates into) ``x.grad``."""

    def places(self, node):
        call = _grad_call(node) if node.type in ("expr_stmt", "return_stmt") else None
        return [call] if call is not None else []

    def change(self, node, call):
        args = arguments(call.children[3])
        root, leaf = code(args[0], False), code(args[1], False)
        kept = [f"{GRAD_TO_BACKWARD[keyword(a)]}={code(a.children[2], False)}" for a in args[2:]
                if keyword(a) in GRAD_TO_BACKWARD]
        rest = "".join(code(c) for c in call.children[4:])
        statement = code(node, False).replace(code(call, False), f"({leaf}.grad,){rest}", 1)
        return replaced(node, f"{root}.backward{call_text(kept)}; {statement}")

    @classmethod
    def examples(cls):
        return (Example("(g,) = torch.autograd.grad(y.sum(), x, create_graph=True)",
                        "y.sum().backward(create_graph=True); (g,) = (x.grad,)"),)


class ScaleNumber(Placed):
    """A number ten times larger, then ten times smaller: a tolerance, a bound or a step off by
    an order of magnitude (cosmic-ray's NumberReplacer adds and subtracts one). Zero stays zero."""

    def places(self, node):
        if node.type != "number" or node.value.lower().endswith("j") or ast.literal_eval(node.value) == 0:
            return []
        return list(SCALES)

    def change(self, node, scale):
        literal = ast.literal_eval(node.value)
        if isinstance(literal, int) and (scale > 1 or literal % 10 == 0):
            text = str(literal * 10 if scale > 1 else literal // 10)  # an int stays an int: 200 -> 20
        else:
            text = f"{literal * scale:.12g}"
            if "." not in text and "e" not in text:
                text += ".0"  # a float stays a float: 10.0, not the int 10
        return tree.Number(text, node.start_pos, prefix=node.prefix)

    @classmethod
    def examples(cls):
        return (Example("x = 1e-5", "x = 0.0001"), Example("x = 1e-5", "x = 1e-06", occurrence=1),
                Example("n = 200", "n = 20", occurrence=1))


class Memoize(Placed):
    """A module's function wrapped in a cache keyed by its arguments (``functools.cache``): a
    call with arguments it has seen returns the first call's result without running again,
    however the arguments changed since (a tensor is keyed by its identity, not its values)."""

    def places(self, node):
        # (a function without parameters has nothing to key on: its cache is a constant)
        top_level = node.type == "funcdef" and node.parent is not None and node.parent.type == "file_input"
        return [node] if top_level and node.get_params() else []

    def change(self, node, _):
        return replaced(node, f"{MEMOIZED}\n{code(node, False)}")

    @classmethod
    def examples(cls):
        return (Example("def f(x):\n    return x * 2\n", f"{MEMOIZED}\ndef f(x):\n    return x * 2\n"),)


def _same_operands(left: ast.expr, right: ast.expr) -> bool:
    return ast.dump(left) == ast.dump(right)


def _self_product(expression: ast.expr) -> ast.expr | None:
    """``a`` when ``expression`` is xᵀx written as ``torch.dot(a, a)``, ``a @ a``,
    ``(a * a).sum()`` or ``torch.sum(a * a)``; else None."""
    def squared(node: ast.expr) -> ast.expr | None:
        same = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _same_operands(node.left, node.right)
        return node.left if same else None

    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.MatMult) \
            and _same_operands(expression.left, expression.right):
        return expression.left
    if not isinstance(expression, ast.Call) or expression.keywords or not isinstance(expression.func, ast.Attribute):
        return None
    function, args = expression.func, expression.args
    of_torch = isinstance(function.value, ast.Name) and function.value.id == "torch"
    if of_torch and function.attr == "dot" and len(args) == 2 and _same_operands(*args):
        return args[0]
    if of_torch and function.attr == "sum" and len(args) == 1:
        return squared(args[0])
    if function.attr == "sum" and not args and not of_torch:
        return squared(function.value)
    return None


class NormSquared(Placed):
    """xᵀx (``torch.dot(x, x)``, ``x @ x``, ``(x * x).sum()``, ``torch.sum(x * x)``) becomes
    ``‖x‖²``, ``x.norm() ** 2``: the same number in exact arithmetic, but another graph and
    other roundings (a square root, then its square)."""

    def places(self, node):
        if node.type not in ("atom_expr", "power", "term"):
            return []
        try:
            expression = ast.parse(code(node, False), mode="eval").body
        except SyntaxError:
            return []
        operand = _self_product(expression)
        return [operand] if operand is not None else []

    def change(self, node, operand):
        text = ast.unparse(operand)
        base = text if isinstance(operand, (ast.Name, ast.Attribute)) else f"({text})"
        return replaced(node, f"({base}.norm() ** 2)")

    @classmethod
    def examples(cls):
        return (Example("y = 2 * torch.dot(x, x)", "y = 2 * (x.norm() ** 2)"),
                Example("y = x @ x", "y = (x.norm() ** 2)"),
                Example("y = (x * x).sum()", "y = (x.norm() ** 2)"),
                Example("y = torch.sum(x.t * x.t)", "y = (x.t.norm() ** 2)"))


#: calls whose tensor arguments are what is differentiated, not values to compute with
AUTOGRAD_CALLS = ("grad", "backward")
#: where a parameter is an operand: of arithmetic, in parentheses, or an argument of a call
OPERAND_PARENTS = ("arith_expr", "term", "power", "factor", "atom", "arglist", "trailer")


def _called(leaf) -> str:
    """The name of the function whose argument ``leaf`` is (``torch.dot`` -> ``dot``), or ``""``."""
    call = leaf.parent if leaf.parent.type == "trailer" else leaf.parent.parent
    if call is None or call.type != "trailer" or call.children[0].value != "(":
        return ""
    before = call.get_previous_sibling()
    if before is None:
        return ""
    return before.children[-1].value if before.type == "trailer" else getattr(before, "value", "")


def _operand_parameters(expression, parameters: list[str]) -> list:
    """The leaves of ``expression`` that are a parameter used as a value: an operand or a call's
    argument, not the start of ``x.grad`` or ``x.sum()``, nor what autograd differentiates."""
    found, leaf = [], expression.get_first_leaf()
    last = expression.get_last_leaf()
    while leaf is not None:
        if leaf.type == "name" and leaf.value in parameters and leaf.parent.type in OPERAND_PARENTS \
                and not (leaf.parent.type in ("arglist", "trailer") and _called(leaf) in AUTOGRAD_CALLS) \
                and not (leaf.parent.type == "trailer" and leaf.parent.children[0].value == "."):
            found.append(leaf)
        if leaf is last:
            break
        leaf = leaf.get_next_leaf()
    return found


def _tensor_parameters(function) -> list[str]:
    """The parameters annotated as tensors (``x: torch.Tensor``): only those have ``.double()``."""
    return [p.name.value for p in function.get_params()
            if p.annotation is not None and code(p.annotation, False).split(".")[-1] == "Tensor"]


def _assigned_value(node):
    """``node`` when it is the value of ``name = value`` or ``return value`` (one value, not a tuple)."""
    parent = node.parent
    if parent is None or node.type in ("testlist_star_expr", "testlist", "exprlist") or node is not parent.children[-1]:
        return None
    before = node.get_previous_sibling()
    if parent.type == "expr_stmt" and len(parent.children) == 3 and before.type == "operator" and before.value == "=":
        return node
    if parent.type == "return_stmt":
        return node
    return None


class Float64Intermediate(Placed):
    """A value computed from the function's parameters in float64 and turned back into float32:
    ``y = x * x`` becomes ``y = (x.double() * x.double()).float()``. Other roundings, another
    graph (the casts are recorded too), and float32 where x was float64."""

    def places(self, node):
        function = node.search_ancestor("funcdef")
        # .item() gives a Python number, which has no .float(): such a mutant only fails to run
        if function is None or _assigned_value(node) is None or ".item(" in code(node, False):
            return []
        leaves = _operand_parameters(node, _tensor_parameters(function))
        return [leaves] if leaves else []

    def change(self, node, leaves):
        pieces, leaf, last = [], node.get_first_leaf(), node.get_last_leaf()
        while True:
            text = leaf.value + ".double()" if leaf in leaves else leaf.value
            pieces.append(text if leaf is node.get_first_leaf() else leaf.prefix + text)
            if leaf is last:
                break
            leaf = leaf.get_next_leaf()
        return replaced(node, f"({''.join(pieces)}).float()")

    @classmethod
    def examples(cls):
        return (Example("def f(x: Tensor):\n    y = x * x\n", "def f(x: Tensor):\n    y = (x.double() * x.double()).float()\n"),
                Example("def f(x: torch.Tensor, u: torch.Tensor, n: int):\n    return 2 * torch.dot(x, u.t) * n\n",
                        "def f(x: torch.Tensor, u: torch.Tensor, n: int):\n"
                        "    return (2 * torch.dot(x.double(), u.t) * n).float()\n"))


def _recorded_later(node) -> bool:
    """``node`` is the value of ``name = ...``, and a later statement of the function calls
    ``name.requires_grad_(...)``."""
    statement, function = node.parent, node.search_ancestor("funcdef")
    if function is None or statement.type != "expr_stmt" or _assigned_value(node) is None \
            or statement.children[0].type != "name":
        return False
    name = statement.children[0].value
    return any(backward_root(other, j) == name for other in chains(function) if other.start_pos > node.end_pos
               for j in method_calls(other, "requires_grad_"))


class ToDeviceAfterRequiresGrad(Placed):
    """``torch.f(..., device=d, requires_grad=True)`` (or ``torch.f(..., device=d).requires_grad_()``)
    becomes ``torch.f(..., requires_grad=True).to(d)`` (``torch.f(...).requires_grad_().to(d)``): the tensor is built on the CPU and moved after
    it records gradients, so on another device what is returned is a copy, not a leaf, and its
    x.grad stays None. (On the CPU, ``.to("cpu")`` is the tensor itself: nothing changes there.)"""

    def places(self, node):
        if not is_chain(node):
            return []
        found = []
        for i, call in enumerate(node.children):
            if call.type != "trailer" or call.children[0].value != "(":
                continue
            names = [keyword(a) for a in arguments(call)]
            later = any(True for j in method_calls(node, "requires_grad_") if j > i)
            if "device" in names and ("requires_grad" in names or later):
                found.append((i, ""))
            elif "device" in names and _recorded_later(node):
                found.append((i, ".requires_grad_()"))
        return found

    def change(self, node, place):
        i, recorded = place
        call = node.children[i]
        device = next(code(a.children[2], False) for a in arguments(call) if keyword(a) == "device")
        pieces = [code(c, n > 0) for n, c in enumerate(node.children)]
        pieces[i] = call_text([code(a, False) for a in arguments(call) if keyword(a) != "device"])
        return replaced(node, "".join(pieces) + f"{recorded}.to({device})")

    @classmethod
    def examples(cls):
        return (Example("x = torch.arange(n, dtype=torch.float32, device=device, requires_grad=True)",
                        "x = torch.arange(n, dtype=torch.float32, requires_grad=True).to(device)"),
                Example("x = torch.ones(3, device=d).requires_grad_()", "x = torch.ones(3).requires_grad_().to(d)"),
                Example("def f(d):\n    x = torch.ones(3, device=d)\n    return x.requires_grad_(True)\n",
                        "def f(d):\n    x = torch.ones(3).requires_grad_().to(d)\n    return x.requires_grad_(True)\n"))


#: every operator of this module, in the order mutants are listed
OPERATORS: tuple[type, ...] = (
    *(_drop_call(m) for m in DROPPED_CALLS),
    *(_replace_call(old, new) for old, new in REPLACED_CALLS),
    DetachToData,
    *(_drop_keyword(k) for k in DROPPED_KEYWORDS),
    AddRetainGraph,
    ClearByNone,
    ForgeGradient,
    GradToBackward,
    ScaleNumber,
    Memoize,
    NormSquared,
    Float64Intermediate,
    ToDeviceAfterRequiresGrad,
)
