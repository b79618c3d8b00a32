"""A nudge names the idea, never the line to type; the last hint may give the idea, never the
code. Checked mechanically: no hint in course.toml and no nudge of a kata's checks (``nudge=``,
a ``Text(en, zh)`` or a module constant holding one) writes out a call that the reference solution
makes (``.zero_()``, ``y.sum()``) or an argument with its value as code writes it
(``gradient=torch.ones_like(d)``, ``retain_graph=True``: the line of another route to the answer
is code too), unless the kata's statement names it already. Naming a function, a method or a
parameter is naming the idea, and so is warning against a call the solution does not make."""
from __future__ import annotations

import ast
import re

import pytest

from conftest import COURSE, KATAS, SOLUTIONS


def calls_of(module: str) -> frozenset[str]:
    """The functions and methods the reference solution calls."""
    tree = ast.parse((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"))
    calls = {function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
             for node in ast.walk(tree) if isinstance(node, ast.Call) for function in [node.func]}
    return frozenset(calls - {""})


def _text(node: ast.AST) -> str:
    """The words of a string literal; an f-string's fields stand as {…}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) if isinstance(part, ast.Constant) else "{…}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left) + _text(node.right)
    return ""


def _texts_of(node: ast.AST, constants: dict[str, ast.AST]) -> list[str]:
    """The wordings of a ``Text(en, zh)`` (or of the module constant that holds one)."""
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Text":
        return [_text(arg) for arg in node.args]
    return []


def nudges_and_hints(kata) -> list[tuple[str, str]]:
    """(where, text) of each hint of the kata and each nudge its checks give."""
    found = [(f"course.toml hint {i + 1} ({lang})", hint)
             for lang, hints in kata.hints.items() for i, hint in enumerate(hints)]
    checks = KATAS / kata.checks_filename
    tree = ast.parse(checks.read_text(encoding="utf-8"))
    constants = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "nudge":
            found += [(f"{checks.name}:{node.value.lineno} nudge", text) for text in _texts_of(node.value, constants)]
    return found


def handed_over(text: str, calls: frozenset[str], statement: str) -> list[str]:
    """What ``text`` writes out as code and the statement does not name: a call of one of
    ``calls`` (``ones_like(``), an argument with its value (``gradient=``)."""
    named = set(re.findall(r"\w+", statement))
    found = [f"{name}(" for name in re.findall(r"(?<!\w)(\w+)\s*\(", text) if name in calls and name not in named]
    # as code passes it: no space around "=" (y = sin(x) is mathematics, dtype= names a parameter)
    found += [f"{name}=" for name in re.findall(r"(?<![\w.])([a-z_]\w*)=[\w.(\[\"']", text) if name not in named]
    return sorted(set(found))


@pytest.mark.parametrize("kata", COURSE.katas, ids=lambda k: k.id)
def test_no_nudge_or_hint_hands_over_the_solutions_code(kata) -> None:
    calls, statement = calls_of(kata.module), " ".join(kata.statement.values())
    offenders = [f"  {where}: writes out {', '.join(code)} — {text!r}"
                 for where, text in nudges_and_hints(kata) if (code := handed_over(text, calls, statement))]
    assert not offenders, (f"{kata.id}: these texts give the reference solution's code, not the idea "
                           f"(name the idea; the statement may name the function):\n" + "\n".join(offenders))


def test_the_test_sees_code_handed_over() -> None:
    calls = frozenset({"backward", "ones_like", "zero_"})
    assert handed_over("call d.backward(gradient=torch.ones_like(d))", calls, "") == \
        ["backward(", "gradient=", "ones_like("]
    assert handed_over("clear x.grad in place with .zero_()", calls, "") == ["zero_("]
    assert handed_over("pass retain_graph=True to the first pass", calls, "") == ["retain_graph="]
    # naming an idea, a parameter, or a function the statement names is not the code
    assert handed_over("backward() accepts a gradient argument; what shape must it have?", calls,
                       "call y.backward() twice") == []
    assert handed_over("a gradient of ones, the shape of d; compare with ==", calls, "") == []
    assert handed_over("the function f(x) of the statement; y = sin(x); arange accepts dtype= too", calls, "") == []
