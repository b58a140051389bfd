"""Find the units of a module (functions and methods) and make every mutant of each.

A unit is a ``def`` whose enclosing scopes are only the module and classes; a nested
function is mutated as part of the function that holds it. A mutant ships as a small
module (the unit, without decorators, inside class statements of the same names, padded
so its line numbers are the file's) whose compiled code replaces the unit's ``__code__``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from hlopt.mutate.model import Mutant, Unit
from hlopt.mutate.operators import mutations

_NO_MUTATE = "pragma: no mutate"
_CONTAINERS = (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While, cst.Else,
               cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)


def mutants_of_file(path: Path, rel: str, text: str) -> tuple[list[Unit], list[Mutant]]:
    """The units of one file and all their mutants, in source order."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    src = _Source(text, module, wrapper.resolve(PositionProvider))
    units: list[Unit] = []
    mutants: list[Mutant] = []
    for node, classes in _unit_nodes(module.body, ()):
        unit = _unit(node, classes, path, rel, src)
        units.append(unit)
        mutants += _unit_mutants(unit, node, classes, src)
    return units, mutants


class _Source:
    """A file's text, tree and node positions, with line offsets for splicing."""

    def __init__(self, text: str, module: cst.Module, positions: object) -> None:
        self.text = text
        self.module = module
        self.positions = positions
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for ln in self.lines:
            self.starts.append(self.starts[-1] + len(ln))
        self.skip = {i for i, ln in enumerate(self.lines, 1) if _NO_MUTATE in ln}

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        pos = self.positions[node].start  # type: ignore[index]  # a Mapping of nodes
        return pos.line, pos.column

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def span(self, first: int, last: int) -> str:
        return "".join(self.lines[first - 1:last])


def _unit_nodes(body: object, classes: tuple[str, ...]
                ) -> Iterator[tuple[cst.FunctionDef, tuple[str, ...]]]:
    for stmt in _statements(body):
        if isinstance(stmt, cst.FunctionDef):
            yield stmt, classes
        elif isinstance(stmt, cst.ClassDef):
            yield from _unit_nodes(stmt.body, (*classes, stmt.name.value))
        elif isinstance(stmt, _CONTAINERS):
            for part in _blocks(stmt):
                yield from _unit_nodes(part, classes)


def _statements(body: object) -> list[cst.CSTNode]:
    if isinstance(body, cst.BaseSuite):
        inner = body.body
        return list(inner) if isinstance(inner, list | tuple) else [inner]
    return list(body) if isinstance(body, list | tuple) else []


def _blocks(stmt: cst.CSTNode) -> Iterator[object]:
    for attr in ("body", "orelse", "handlers", "finalbody"):
        part = getattr(stmt, attr, None)
        if part is None:
            continue
        if isinstance(part, list | tuple):  # handlers
            for handler in part:
                yield handler.body
        elif isinstance(part, cst.If):  # elif
            yield from _blocks(part)
        else:
            yield part.body if isinstance(part, cst.Else | cst.Finally) else part


def _unit(node: cst.FunctionDef, classes: tuple[str, ...], path: Path, rel: str,
          src: _Source) -> Unit:
    first = src.start(node.decorators[0] if node.decorators else node)[0]
    def_line = src.start(node.name)[0]
    end = src.positions[node].end.line  # type: ignore[index]
    qualname = ".".join((*classes, node.name.value))
    return Unit(path, rel, qualname, def_line, first, end, src.span(first, end))


def _unit_mutants(unit: Unit, node: cst.FunctionDef, classes: tuple[str, ...],
                  src: _Source) -> list[Mutant]:
    out: list[Mutant] = []
    lo, hi = src.starts[unit.first_line - 1], src.starts[unit.end_line]
    keep_cell = _class_cell_keeper(node, classes, unit, src)
    for label, target, new in _sites(node.body, src):
        splice = _splice(src, target, new)
        if splice is None:
            continue
        at, old, repl = splice
        if not (lo <= at and at + len(old) <= hi):
            continue
        line, column = src.start(target)
        mutated = src.text[lo:at] + repl + src.text[at + len(old):hi]
        out.append(Mutant(
            id=f"{unit.key}:{len(out) + 1}", unit=unit, operator=label, line=line,
            col=column + 1, original=_short(src.module.code_for_node(target)),
            replacement=_short(src.module.code_for_node(new)),
            diff=_diff(unit, src, at, old, repl),
            code=_compilable(mutated + keep_cell, classes, unit.first_line)))
    return out


def _class_cell_keeper(node: cst.FunctionDef, classes: tuple[str, ...], unit: Unit,
                       src: _Source) -> str:
    """A last statement that keeps the ``__class__`` cell of a method using ``super()``.

    A mutant that drops the ``super()`` call would compile without the cell, and a code
    object with other free variables cannot replace the method's ``__code__``.
    """
    if not classes or ("super" not in unit.source and "__class__" not in unit.source):
        return ""
    if not isinstance(node.body, cst.IndentedBlock):
        return "__class__\n"  # appended to a one-line body below, after a `;`
    column = src.start(node.body.body[0])[1]
    return " " * column + "__class__  # hlopt: keeps the class cell\n"


def _splice(src: _Source, target: cst.CSTNode, new: cst.CSTNode) -> tuple[int, str, str] | None:
    """(file offset, old text, new text) of the smallest edit that turns target into new."""
    if hasattr(target, "leading_lines"):
        target = target.with_changes(leading_lines=())
        new = new.with_changes(leading_lines=()) if hasattr(new, "leading_lines") else new
    before = src.module.code_for_node(target)
    after = src.module.code_for_node(new)
    if before == after:
        return None
    line, column = src.start(target)
    at = src.offset(line, column)
    if src.text[at:at + len(before)] != before:  # not a contiguous span (a compound
        return None  # statement re-indented by the code generator): leave it
    p = 0
    while p < min(len(before), len(after)) and before[p] == after[p]:
        p += 1
    s = 0
    while s < min(len(before), len(after)) - p and before[-1 - s] == after[-1 - s]:
        s += 1
    return at + p, before[p:len(before) - s], after[p:len(after) - s]


def _sites(body: cst.CSTNode, src: _Source
           ) -> Iterator[tuple[str, cst.CSTNode, cst.CSTNode]]:
    collector = _Collector()
    body.visit(collector)
    for node in collector.nodes:
        for label, target, new in mutations(node):
            if src.start(target)[0] not in src.skip:
                yield label, target, new


class _Collector(cst.CSTVisitor):
    """Every node of a body that may be mutated, in source order (docstrings, annotations
    and decorators are left alone)."""

    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Annotation | cst.Decorator):
            return False
        if isinstance(node, cst.BaseSuite | cst.Module) and _docstring(node):
            self.nodes.append(node)
            body = list(node.body)  # type: ignore[attr-defined]
            for stmt in body[1:]:
                stmt.visit(self)
            return False
        if isinstance(node, cst.Arg) and node.keyword is not None:
            node.value.visit(self)  # the keyword itself is a name, not a value
            self.nodes.append(node)
            return False
        self.nodes.append(node)
        return True


def _docstring(suite: cst.CSTNode) -> bool:
    body = getattr(suite, "body", None)
    if not isinstance(body, list | tuple) or not body:
        return False
    first = body[0]
    return (isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, cst.SimpleString | cst.ConcatenatedString))


def _compilable(unit_text: str, classes: tuple[str, ...], first_line: int) -> str:
    """A module whose code object for ``classes...name`` is the mutated unit's.

    The unit keeps its decorators and indentation (they are compiled, never run); class
    statements of the same names wrap it, so ``super()`` and name mangling work, and
    blank lines pad it so line numbers (and ``co_firstlineno``) are the file's.
    """
    if unit_text.endswith("\n__class__\n"):  # a one-line method body
        unit_text = unit_text[:-len("\n__class__\n")].rstrip("\r") + "; __class__\n"
    unit_indent = unit_text[:len(unit_text) - len(unit_text.lstrip(" \t"))]
    char = "\t" if unit_indent.startswith("\t") else " "
    wrappers = "".join(f"{char * i}class {name}:\n" for i, name in enumerate(classes))
    return "\n" * (first_line - 1 - len(classes)) + wrappers + unit_text


def _diff(unit: Unit, src: _Source, at: int, old: str, new: str) -> str:
    """A unified diff of the changed lines, numbered as in the file."""
    first, last = src.line_of(at), src.line_of(at + max(len(old) - 1, 0))
    lo, hi = src.starts[first - 1], src.starts[last]
    before = src.text[lo:hi]
    after = src.text[lo:at] + new + src.text[at + len(old):hi]
    a, b = before.splitlines(), after.splitlines()
    head = f"--- {unit.rel}\n+++ {unit.rel}\n@@ -{first},{len(a)} +{first},{len(b)} @@\n"
    return head + "".join(f"-{ln}\n" for ln in a) + "".join(f"+{ln}\n" for ln in b)


def _short(code: str) -> str:
    one = " ".join(code.split())
    return one if len(one) <= 60 else one[:57] + "..."
