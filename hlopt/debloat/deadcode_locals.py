"""Local variables a function assigns and never reads (HLD007).

A name bound by ``name = value`` (or ``name: T = value``) in a function, which nothing in
the function reads: not its own code, not a nested function, class, lambda or
comprehension (closures read it), not an augmented assignment (``name += 1`` reads it),
not a ``del``. A function that reaches its locals by computed name (``locals()``,
``vars()``, ``eval``, ``exec``) is skipped, and so are names declared ``global`` or
``nonlocal`` and names starting with ``_`` (the convention for a value kept on purpose).
"""

from __future__ import annotations

import ast

from hlopt.debloat.import_scan import iter_nodes

#: calls that read a frame's locals by computed name
_DYNAMIC_CALLS = frozenset({"locals", "vars", "eval", "exec"})
#: compound statements whose blocks are still the function's own code
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
           ast.TryStar)

Assignment = ast.Assign | ast.AnnAssign | ast.ExceptHandler


def unused_locals(func: ast.FunctionDef | ast.AsyncFunctionDef,
                  ) -> list[tuple[Assignment, str]]:
    """The assignments of ``func``'s own body (nested defs excluded) to a name nothing in
    ``func`` reads, with that name, in source order: ``name = value``, ``name: T = value``
    and ``except E as name``."""
    reads: set[str] = set()
    for node in iter_nodes(func):
        t = type(node)
        if t is ast.Name:
            if type(node.ctx) is not ast.Store:
                reads.add(node.id)
        elif t is ast.AugAssign:
            if isinstance(node.target, ast.Name):
                reads.add(node.target.id)
        elif t is ast.Global or t is ast.Nonlocal:
            reads.update(node.names)
        elif t is ast.Call:
            f = node.func
            if isinstance(f, ast.Name) and f.id in _DYNAMIC_CALLS:
                return []
    out: list[tuple[Assignment, str]] = []
    for stmt in _own_statements(func.body):
        if isinstance(stmt, ast.Try | ast.TryStar):
            out += [(h, h.name) for h in stmt.handlers
                    if h.name and h.name not in reads and not h.name.startswith("_")]
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target = stmt.target
        else:
            continue
        if isinstance(target, ast.Name) and target.id not in reads \
                and not target.id.startswith("_"):
            out.append((stmt, target.id))
    out.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return out


def _own_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    stack = [body]
    while stack:
        for s in stack.pop():
            out.append(s)
            if isinstance(s, _BLOCKS):
                stack += [s.body, s.orelse] if not isinstance(s, ast.With | ast.AsyncWith) \
                    else [s.body]
                if isinstance(s, ast.Try | ast.TryStar):
                    stack += [h.body for h in s.handlers] + [s.finalbody]
            elif isinstance(s, ast.Match):
                stack += [c.body for c in s.cases]
    return out
