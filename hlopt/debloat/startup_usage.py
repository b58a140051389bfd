"""Where one module uses each name its top-level imports bind: at import time, or in functions.

A use "at import time" is any read of the name outside a function body: module-level code,
a class body, a decorator, a default value, a base class, and an annotation unless the
module has ``from __future__ import annotations``. A read inside a function (or a method,
or anything nested in one) belongs to the outermost ``def``: that is where a moved import
would go.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from hlopt.debloat.import_scan import iter_nodes

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class ImportStmt:
    """A top-level ``import``/``from ... import`` statement (not in ``if`` or ``try``)."""

    line: int
    end_line: int
    source: str
    #: local names bound -> the module each name brings in (for ``from m import x``: "m.x"
    #: when it is a submodule, else "m"; resolved against the whole project later)
    bindings: dict[str, tuple[str, str | None]]


@dataclass
class Facts:
    statements: list[ImportStmt] = field(default_factory=list)
    #: name -> qualnames of the outermost functions that read it
    functions: dict[str, set[str]] = field(default_factory=dict)
    #: names read at import time
    module_level: set[str] = field(default_factory=set)
    #: names bound again somewhere (assigned, deleted, declared global)
    rebound: set[str] = field(default_factory=set)
    #: names listed in ``__all__``
    exported: set[str] = field(default_factory=set)


def analyse(tree: ast.Module, text: str, module: str, is_package: bool) -> Facts:
    """One module's top-level imports and where each bound name is read."""
    from hlopt.debloat.scan import resolve_relative

    facts = Facts()
    lazy_annotations = any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
                           and any(a.name == "annotations" for a in s.names) for s in tree.body)
    lines: list[str] | None = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            lines = lines if lines is not None else text.splitlines(keepends=True)
            facts.statements.append(_statement(stmt, lines, module, is_package,
                                               resolve_relative))
    names = {n for s in facts.statements for n in s.bindings}
    if not names:
        return facts
    walker = _Uses(facts, names, lazy_annotations)
    for stmt in tree.body:
        walker.top(stmt)
    return facts


def _segment(lines: list[str], node: ast.stmt) -> str:
    """``ast.get_source_segment`` on lines split once (it splits the whole text per call)."""
    end = node.end_lineno or node.lineno
    chunk = [ln.encode() for ln in lines[node.lineno - 1:end]]
    if not chunk:
        return ""
    if len(chunk) == 1:
        return chunk[0][node.col_offset:node.end_col_offset].decode()
    chunk[0], chunk[-1] = chunk[0][node.col_offset:], chunk[-1][:node.end_col_offset]
    return b"".join(chunk).decode()


def _statement(stmt: ast.Import | ast.ImportFrom, lines: list[str], module: str,
               is_package: bool, resolve: object) -> ImportStmt:
    bindings: dict[str, tuple[str, str | None]] = {}
    if isinstance(stmt, ast.Import):
        for a in stmt.names:
            bindings[a.asname or a.name.split(".", 1)[0]] = (a.name, None)
    else:
        base = resolve(stmt.module, stmt.level, module, is_package)  # type: ignore[operator]
        for a in stmt.names:
            if a.name != "*":
                bindings[a.asname or a.name] = (base, a.name)
    return ImportStmt(stmt.lineno, stmt.end_lineno or stmt.lineno,
                      _segment(lines, stmt), bindings)


class _Uses:
    def __init__(self, facts: Facts, names: set[str], lazy_annotations: bool) -> None:
        self.facts, self.names, self.lazy = facts, names, lazy_annotations

    def top(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, _FUNCS):
            self.function(stmt, stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            for node in [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)]:
                self.read(node, None)
            for inner in stmt.body:
                if isinstance(inner, _FUNCS):
                    self.function(inner, f"{stmt.name}.{inner.name}")
                else:
                    self.read(inner, None)
        elif not isinstance(stmt, ast.Import | ast.ImportFrom):
            self.read(stmt, None)
            self._exports(stmt)

    def function(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str) -> None:
        args = fn.args
        for node in [*fn.decorator_list, *args.defaults, *(d for d in args.kw_defaults if d)]:
            self.read(node, None)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                 *(a for a in (args.vararg, args.kwarg) if a)]
        # a parameter of the same name: an import moved into the body would clobber it
        self.facts.rebound.update(a.arg for a in every if a.arg in self.names)
        if not self.lazy:
            for node in [*(a.annotation for a in every if a.annotation), fn.returns]:
                if node is not None:
                    self.read(node, None)
        for stmt in fn.body:
            self.read(stmt, qualname)

    def read(self, node: ast.AST, function: str | None) -> None:
        for n in iter_nodes(node):
            if isinstance(n, ast.Name) and n.id in self.names:
                if not isinstance(n.ctx, ast.Load):
                    self.facts.rebound.add(n.id)
                elif function is None:
                    self.facts.module_level.add(n.id)
                else:
                    self.facts.functions.setdefault(n.id, set()).add(function)
            elif isinstance(n, ast.Global | ast.Nonlocal):
                self.facts.rebound.update(x for x in n.names if x in self.names)

    def _exports(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign | ast.AugAssign) and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])):
            for n in iter_nodes(stmt.value):
                if isinstance(n, ast.Constant) and isinstance(n.value, str):
                    self.facts.exported.add(n.value)
