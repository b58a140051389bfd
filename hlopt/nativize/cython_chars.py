"""One-character ``str`` locals as C code points (``Py_UCS4``) where Python's meaning is kept.

``for ch in text`` binds a new one-character string per item; compared with another such
character or a one-character literal, or passed to ``ord()``, it means exactly its code
point (str comparison is code point comparison). Such locals are declared ``Py_UCS4``:
Cython then iterates the string's buffer and compares C integers, with no object made.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from hlopt.nativize.infer import bindings

if TYPE_CHECKING:
    from hlopt.nativize.infer import Typer

_ORDER = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def char_names(func: ast.FunctionDef, typer: Typer, params: list[str],
               excluded: set[str]) -> set[str]:
    """Locals every binding of which is one character of a ``str`` and every use of which
    is a code point comparison or ``ord()``."""
    from hlopt.nativize.cython_uses import parents

    binds = bindings(func)
    cands = {n for n, bs in binds.items() if n not in params and n not in excluded
             and _is_str(typer, ast.Name(n, ast.Load()))
             and bs and all(_char_binding(typer, b) for b in bs)}
    up = parents(func)
    while True:
        bad = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and n.id in cands
               and isinstance(n.ctx, ast.Load) and not _char_use(n, up, cands, typer)}
        if not bad:
            return cands
        cands -= bad


def _is_str(typer: Typer, e: ast.AST) -> bool:
    t = typer.type(e)
    return t is not None and t.name == "str"


def _char_binding(typer: Typer, b: tuple[str, ast.AST, int]) -> bool:
    kind, node, k = b
    if kind == "iter":
        return _is_str(typer, node)
    if kind == "iteritem" and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id not in typer.env and node.func.id not in typer.shadowed \
            and not node.keywords:
        if node.func.id == "enumerate" and k == 1 and node.args:
            return _is_str(typer, node.args[0])
        if node.func.id == "zip" and 0 <= k < len(node.args):
            return _is_str(typer, node.args[k])
    if kind == "expr" and isinstance(node, ast.Subscript) \
            and not isinstance(node.slice, ast.Slice):
        t = typer.type(node.slice)
        return _is_str(typer, node.value) and t is not None and t.name == "int"
    return False


def _char_use(node: ast.Name, up: dict[int, ast.AST], chars: set[str], typer: Typer) -> bool:
    parent = up.get(id(node))
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) \
            and parent.func.id == "ord" and parent.args == [node] and not parent.keywords \
            and "ord" not in typer.env and "ord" not in typer.shadowed:
        return True
    if not isinstance(parent, ast.Compare):
        return False
    items = [parent.left, *parent.comparators]
    if all(isinstance(op, _ORDER) for op in parent.ops):
        return all(_char_like(x, chars) for x in items)
    if len(parent.ops) == 1 and isinstance(parent.ops[0], ast.In | ast.NotIn):
        right = parent.comparators[0]
        return parent.left is node and isinstance(right, ast.Constant) \
            and type(right.value) is str
    return False


def _char_like(e: ast.AST, chars: set[str]) -> bool:
    if isinstance(e, ast.Name):
        return e.id in chars
    return isinstance(e, ast.Constant) and type(e.value) is str and len(e.value) == 1
