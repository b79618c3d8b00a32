"""Stubs are made from the reference solutions, so the two never drift apart.

A stub keeps the solution's imports, module-level constants and each public function's
signature and docstring; the body becomes ``raise NotImplementedError`` naming the kata. The
module docstring is the kata's statement from ``course.toml``, in English and Chinese.
``autograd-kata dev stubs`` writes them; ``reset`` restores one; a test holds ``katas/`` to them.
"""
from __future__ import annotations

import ast
from pathlib import Path

from .data import CourseError, Kata

#: the body every stub function gets; the plugin reports it as "not started"
STUB_BODY = 'raise NotImplementedError("{kata} is not started: write `{function}`")'


def module_docstring(kata: Kata) -> str:
    parts = [f"{kata.id} · {kata.title['en']} · {kata.title.get('zh', '')}".rstrip(" ·"),
             kata.statement["en"].strip()]
    if kata.statement.get("zh"):
        parts.append(kata.statement["zh"].strip())
    parts.append(f"Hints / 提示: autograd-kata hint {kata.id}    Check / 检查: autograd-kata run {kata.id}")
    body = "\n\n".join(parts).replace('"""', '\\"\\"\\"')
    return f'"""{body}\n"""\n'


def _has_docstring(body: list[ast.stmt]) -> bool:
    first = body[0] if body else None
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)


def make_stub(kata: Kata, solution_source: str) -> str:
    """The stub for ``kata`` made from its reference solution's source."""
    tree = ast.parse(solution_source)
    lines = solution_source.splitlines(keepends=True)
    body = tree.body[1:] if _has_docstring(tree.body) else tree.body
    pieces: list[tuple[bool, str]] = []  # (is a function, text)
    for node in body:
        decorators = getattr(node, "decorator_list", None)
        start = (decorators[0].lineno if decorators else node.lineno) - 1
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pieces.append((False, "".join(lines[start:node.end_lineno]).rstrip()))
        elif not node.name.startswith("_"):  # a private helper is part of the answer
            keep_until = node.body[0].end_lineno if _has_docstring(node.body) else node.body[0].lineno - 1
            indent = " " * node.body[0].col_offset
            stub_line = indent + STUB_BODY.format(kata=kata.id, function=node.name)
            pieces.append((True, "".join(lines[start:keep_until]) + stub_line))
    out = module_docstring(kata)
    previous_is_function = None  # one blank line after the docstring, two around functions
    for is_function, text in pieces:
        if previous_is_function is None:
            out += "\n"
        else:
            out += "\n\n\n" if (is_function or previous_is_function) else "\n"
        out += text
        previous_is_function = is_function
    return out + "\n"


def stub_for(kata: Kata, solutions: Path) -> str:
    """The pristine stub of ``kata``, made from its reference solution in ``solutions``."""
    path = solutions / kata.filename
    try:
        return make_stub(kata, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} is missing: every kata in course.toml needs its reference "
                          f"solution there to make its stub from") from None
