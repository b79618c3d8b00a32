"""Every mutant of a reference solution: cosmic-ray's core operators (those that need no
arguments) and this package's autograd operators (:mod:`.operators`), each applied at each
place it can be, one change per mutant, by cosmic-ray's engine (``mutate_code``).

A mutant is named by a stable id, ``function:operator:digest``: the function it changes, the
operator, and a digest of the lines it removes and adds, never their line numbers, so an id
still names the same mutant after the solution gains a line elsewhere (the records of
equivalent mutants, :mod:`.records`, rely on it). A mutant whose text is another's, or the
solution's own, or that does not compile, is left out: it says nothing about the checks.
"""
from __future__ import annotations

import ast
import difflib
import hashlib
from dataclasses import dataclass
from typing import Iterator

from ...course.data import Kata
from .operators import OPERATORS

#: the names cosmic-ray lists its operators under, and ours
CORE, AUTOGRAD = "core", "autograd"
#: cosmic-ray's core operators that change nothing a check could see, or that it only applies on request
LEFT_OUT = ("NoOp",)
#: lines of context around a survivor's change
CONTEXT = 2


@dataclass(frozen=True)
class Mutant:
    kata: Kata
    #: ``function:operator:digest`` (see the module's docstring)
    id: str
    operator: str
    text: str
    #: the change, as a unified diff of the solution's file
    diff: str


def operators() -> list[tuple[str, type]]:
    """(name, class) of every operator used: cosmic-ray's core ones first, then ours."""
    from cosmic_ray.operators.provider import OperatorProvider

    core = OperatorProvider()
    found = [(f"{CORE}/{name}", core[name]) for name in core if name not in LEFT_OUT and not core[name].arguments()]
    return found + [(f"{AUTOGRAD}/{cls.__name__}", cls) for cls in OPERATORS]


def mutants(kata: Kata, solution: str, shown: str) -> list[Mutant]:
    """Every mutant of ``solution`` (the text of ``kata``'s reference solution, named ``shown``)."""
    seen = {solution}
    found: list[Mutant] = []
    ids: set[str] = set()
    for name, text in _applied(solution):
        if text in seen or not _compiles(text):
            continue
        seen.add(text)
        mutant_id = _unique(_id(solution, text, name), ids)
        ids.add(mutant_id)
        found.append(Mutant(kata, mutant_id, name, text, _diff(solution, text, shown, mutant_id)))
    return found


def _applied(solution: str) -> Iterator[tuple[str, str]]:
    from cosmic_ray.mutating import mutate_code

    for name, cls in operators():
        occurrence = 0
        while (text := mutate_code(solution, cls(), occurrence)) is not None:
            yield name, text
            occurrence += 1


def _compiles(text: str) -> bool:
    try:
        compile(text, "<mutant>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def _changed(solution: str, text: str) -> tuple[list[str], list[str], int]:
    """The removed and added lines (stripped) and the first changed line's number (1-based)."""
    old, new = solution.splitlines(), text.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    removed, added, first = [], [], None
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += [line.strip() for line in old[i1:i2]]
            added += [line.strip() for line in new[j1:j2]]
            first = i1 + 1 if first is None else first
    return removed, added, first or 1


def _function_at(solution: str, line: int) -> str:
    """The innermost function that holds ``line``, or ``module``."""
    name = "module"
    for node in ast.walk(ast.parse(solution)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= node.end_lineno:
            name = node.name  # ast.walk goes outside in: the last match is the innermost
    return name


def _id(solution: str, text: str, operator: str) -> str:
    removed, added, first = _changed(solution, text)
    digest = hashlib.sha256("\n".join([operator, *removed, "->", *added]).encode("utf-8")).hexdigest()[:8]
    return f"{_function_at(solution, first)}:{operator}:{digest}"


def _unique(mutant_id: str, taken: set[str]) -> str:
    """The same change in two identical places: the second is ``id#2``, and so on."""
    candidate, n = mutant_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{mutant_id}#{n}"
    return candidate


def _diff(solution: str, text: str, shown: str, mutant_id: str) -> str:
    return "".join(difflib.unified_diff(solution.splitlines(keepends=True), text.splitlines(keepends=True),
                                        fromfile=shown, tofile=f"{shown} ({mutant_id})", n=CONTEXT))
