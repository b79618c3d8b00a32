"""A kata's module, gathered from a notebook's cells: what the checks get instead of a file.

A notebook is not a module: its cells hold experiments (``x = torch.ones(3); f(x)``), shell
escapes (``!pip install``), magics (``%kata k03``), cells that do not parse, and definitions,
in the order they ran (a kernel's history) or stand (a notebook file). Of all that, a kata's
module is its functions and what they need, and nothing else:

- **Roots**: the names the kata's stub defines (its functions and constants).
- **Definitions**: the top-level ``def``, ``class``, ``import`` and assignment statements of
  each cell (and ``if``/``try`` blocks made of nothing else); a name's last definition wins, as
  in the kernel. Everything else (a call, a loop, a print) is an experiment and is never taken.
- **What they need**: the global names each taken definition reads (found with the compiler's
  own scope analysis, :mod:`symtable`, so a function's locals never pull in a global of the same
  name), taken in turn, transitively.
- **Whose cell**: two katas may share a name (k07 and k10 both define ``f``). A cell belongs to
  the kata its metadata tags it with, and to the katas whose names it defines (only those whose
  names no other kata has, when there are such). A kata's names are looked up first in its own
  cells and in cells of no kata, then anywhere (a learner's k03 may call k02's function).
- **Not Python**: lines that are IPython syntax (``!cmd``, ``%magic``, ``x = !cmd``, ``obj?``)
  become ``pass`` and are listed, so a cell that mixes them with definitions still gives its
  definitions; a cell that still does not parse is left out and listed. Nothing here runs any
  of it.

Standard library only: the grader reads notebooks with it, and so does the kernel.
"""
from __future__ import annotations

import ast
import re
import symtable
from dataclasses import dataclass, field
from typing import Iterable

#: cell magics whose body is Python run in the notebook's namespace
PYTHON_CELL_MAGICS = ("time", "capture")
#: an IPython line that is not Python: a shell escape, a magic, help, or a shell/magic assignment
_NOT_PYTHON = re.compile(r"[!%?]|[\w.]+\?\??\s*$|[\w.]+(\s*,\s*[\w.]+)*\s*=\s*[!%]")
#: the course's own magics: run by the kernel for the learner, never part of a kata's code
OWN_MAGICS = ("%kata", "%load_ext pytest_autograd_kata")
#: statements that define something and run nothing else at the top level
_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Cell:
    """One cell's text as written; ``label`` is how messages name it (``In [7]``, ``cell 12``);
    ``kata`` is the kata the notebook's metadata tags it with, if any."""

    text: str
    label: str
    kata: str | None = None


@dataclass(frozen=True)
class Statement:
    """A top-level definition of a cell."""

    cell: int  # the cell's index
    order: int  # its place in the cell
    first_line: int  # its first line in the cell (1-based)
    text: str
    binds: frozenset[str]
    reads: frozenset[str]
    #: ``from __future__ import ...``: it must open the module
    future: bool = False
    #: ``from m import *``: it may bind any name
    star: bool = False


@dataclass
class ParsedCell:
    cell: Cell
    statements: list[Statement]
    #: (line number, text) of lines that are IPython syntax and were replaced by ``pass``
    dropped: list[tuple[int, str]]
    #: why the cell is not Python even without those lines ("" when it is)
    error: str = ""

    @property
    def binds(self) -> frozenset[str]:
        return frozenset().union(*(s.binds for s in self.statements))


@dataclass
class Gathered:
    """A kata's module as gathered: ``source`` is empty when no cell defines any of its names."""

    source: str
    #: (first line in ``source``, line count, cell label, first line in the cell), per statement
    line_map: list[tuple[int, int, str, int]] = field(default_factory=list)
    #: (cell label, line) of IPython lines left out of the cells the code came from
    dropped: list[tuple[str, str]] = field(default_factory=list)
    #: (cell label, error) of cells that look like the kata's code and do not parse
    unparsed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def defined(self) -> bool:
        return bool(self.source)

    def cell_line(self, line: int) -> tuple[str, int] | None:
        """(cell label, line in that cell) of line ``line`` of :attr:`source`."""
        for start, count, label, first in self.line_map:
            if start <= line < start + count:
                return label, first + line - start
        return None


def defined_names(stub: str) -> frozenset[str]:
    """The names a kata's stub defines for the checks: its public functions and constants."""
    names = set()
    for node in ast.parse(stub).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            names |= _assigned(node)
    return frozenset(n for n in names if not n.startswith("_"))


# ---------------------------------------------------------------- reading one cell

def pythonized(text: str) -> tuple[str | None, list[tuple[int, str]]]:
    """The cell as Python: each IPython line becomes ``pass`` (its indentation kept, so a block
    stays a block); a cell magic's body is kept when it is Python (``%%time``). None for a cell
    that is not Python at all (``%%bash``). Also returns the (line number, text) replaced."""
    lines = text.split("\n")
    dropped = []
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].strip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return None, [(first + 1, lines[first].strip())]
        dropped.append((first + 1, lines[first].strip()))
        lines[first] = ""
    for index, line in enumerate(lines):
        body = line.lstrip()
        if body and _NOT_PYTHON.match(body):
            dropped.append((index + 1, body))
            lines[index] = line[:len(line) - len(body)] + "pass"
    return "\n".join(lines), dropped


def parse_cell(index: int, cell: Cell) -> ParsedCell:
    """The cell's definitions. Its text is taken as it is when it parses; else with its
    IPython lines replaced (so a ``%`` line in a string of a cell that parses stays as it is)."""
    text, dropped = cell.text, []
    try:
        tree = ast.parse(text)
    except SyntaxError:
        text, dropped = pythonized(cell.text)
        if text is None:
            return ParsedCell(cell, [], dropped, "not Python")
        try:
            tree = ast.parse(text)
        except SyntaxError as err:
            return ParsedCell(cell, [], dropped, f"SyntaxError at line {err.lineno}: {err.msg}")
    statements = [_statement(index, order, node, text) for order, node in enumerate(tree.body)
                  if _is_definition(node)]
    return ParsedCell(cell, statements, dropped)


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, _DEFINITIONS):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return all(_plain_target(t) for t in targets) and node.value is not None
    if isinstance(node, ast.If):
        if _is_main_guard(node.test):
            return False
        return all(_is_definition(n) or isinstance(n, ast.Pass) for n in node.body + node.orelse)
    if isinstance(node, ast.Try):
        blocks = node.body + node.orelse + node.finalbody + [n for h in node.handlers for n in h.body]
        return all(_is_definition(n) or isinstance(n, ast.Pass) for n in blocks)
    return False


def _plain_target(target: ast.expr) -> bool:
    """``x`` or ``a, b``: a name, not ``x.grad`` or ``d[k]`` (those change an object: an experiment)."""
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_plain_target(e) for e in target.elts)


def _is_main_guard(test: ast.expr) -> bool:
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def _assigned(node: ast.stmt) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _bound(node: ast.stmt) -> set[str]:
    """The module-level names a definition statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Import):
        return {alias.asname or alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom):
        return {alias.asname or alias.name for alias in node.names if alias.name != "*"}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return _assigned(node)
    blocks = getattr(node, "body", []) + getattr(node, "orelse", []) + getattr(node, "finalbody", []) \
        + [n for h in getattr(node, "handlers", []) for n in h.body]
    return set().union(*(_bound(n) for n in blocks if not isinstance(n, ast.Pass)))


def _statement(cell: int, order: int, node: ast.stmt, text: str) -> Statement:
    decorators = getattr(node, "decorator_list", None)
    if decorators or isinstance(node, (ast.If, ast.Try)):
        # A compound statement at the top level starts a line and ends one: whole lines.
        first = decorators[0].lineno if decorators else node.lineno
        segment = "\n".join(text.split("\n")[first - 1:node.end_lineno])
    else:
        first = node.lineno
        segment = ast.get_source_segment(text, node)
    return Statement(cell, order, first, segment, frozenset(_bound(node)), _reads(segment),
                     future=isinstance(node, ast.ImportFrom) and node.module == "__future__",
                     star=isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names))


def _reads(segment: str) -> frozenset[str]:
    """The global names a statement reads when it runs or when what it defines is called."""
    found: set[str] = set()

    def visit(table: symtable.SymbolTable, top: bool) -> None:
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (symbol.is_global() or top and not symbol.is_imported()):
                found.add(symbol.get_name())
            elif not top and symbol.is_declared_global():
                found.add(symbol.get_name())  # `global X` then X = ...: X's definition is needed
        for child in table.get_children():
            visit(child, False)

    visit(symtable.symtable(segment, "<cell>", "exec"), True)
    return frozenset(found)


# ---------------------------------------------------------------- gathering a kata

class Notebook:
    """The cells of a notebook (in the order they ran, or stand), parsed once; ``names`` holds
    each kata's names (:func:`defined_names` of its stub)."""

    def __init__(self, cells: Iterable[Cell], names: dict[str, frozenset[str]]) -> None:
        self.cells = [parse_cell(i, c) for i, c in enumerate(cells)]
        self.names = names
        self._owners = [self.owners(p) for p in self.cells]

    def owners(self, parsed: ParsedCell) -> set[str]:
        """The katas a cell belongs to (see the module's docstring)."""
        bound = parsed.binds
        touching = {k for k, names in self.names.items() if bound & names}
        unique = {k for k in touching
                  if bound & self.names[k] - frozenset().union(*(n for o, n in self.names.items() if o != k))}
        return ({parsed.cell.kata} if parsed.cell.kata else set()) | (unique or touching)

    def gather(self, kata: str) -> Gathered:
        names = self.names[kata]
        own = [p for p, owners in zip(self.cells, self._owners) if not owners or kata in owners]
        first_choice, anywhere = _last_definitions(own), _last_definitions(self.cells)
        if not names & anywhere.keys():
            return Gathered("", unparsed=self._unparsed(kata))
        taken: dict[tuple[int, int], Statement] = {}
        pending, seen = sorted(names), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            statement = first_choice.get(name) or anywhere.get(name)
            if statement is not None and (statement.cell, statement.order) not in taken:
                taken[statement.cell, statement.order] = statement
                pending += sorted(statement.reads)
        # A star import may bind what the rest reads; __future__ imports change how it compiles.
        for parsed in own:
            for statement in parsed.statements:
                if statement.star or statement.future:
                    taken[statement.cell, statement.order] = statement
        ordered = sorted(taken.values(), key=lambda s: (not s.future, s.cell, s.order))
        return self._assemble(ordered, kata)

    def _assemble(self, statements: list[Statement], kata: str) -> Gathered:
        lines: list[str] = []
        line_map = []
        for statement in statements:
            if lines:
                lines.append("")
            text = statement.text.split("\n")
            line_map.append((len(lines) + 1, len(text), self.cells[statement.cell].cell.label, statement.first_line))
            lines += text
        used = sorted({s.cell for s in statements})
        dropped = [(self.cells[i].cell.label, line) for i in used for _, line in self.cells[i].dropped
                   if not line.startswith(OWN_MAGICS)]
        return Gathered("\n".join(lines) + "\n", line_map, dropped, self._unparsed(kata))

    def _unparsed(self, kata: str) -> list[tuple[str, str]]:
        """Cells that do not parse and are the kata's: tagged so, or defining one of its names."""
        defines = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(%s)\b" % "|".join(map(re.escape, self.names[kata])),
                             re.MULTILINE) if self.names[kata] else None
        return [(p.cell.label, p.error) for p in self.cells if p.error and (
            p.cell.kata == kata or defines is not None and defines.search(p.cell.text))]


def _last_definitions(cells: list[ParsedCell]) -> dict[str, Statement]:
    """Each name's last definition among ``cells``, in their order."""
    found: dict[str, Statement] = {}
    for parsed in cells:
        for statement in parsed.statements:
            for name in statement.binds:
                found[name] = statement
    return found
