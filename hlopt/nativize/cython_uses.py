"""Check that every use of a would-be C array is one a C array serves with Python's meaning."""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from hlopt.nativize.cython_plan import aug_ok, store_ok

if TYPE_CHECKING:
    from hlopt.nativize.cython_plan import Array
    from hlopt.nativize.infer import Typer


def parents(func: ast.AST) -> dict[int, ast.AST]:
    out: dict[int, ast.AST] = {}
    for node in ast.walk(func):
        for child in ast.iter_child_nodes(node):
            out[id(child)] = node
    return out


def check_uses(func: ast.FunctionDef, cands: dict[str, Array], rows: dict[str, str],
               typer: Typer) -> set[str]:
    """Names (arrays or rows) with at least one use a C array cannot serve."""
    up = parents(func)
    bad: set[str] = set()
    for arr in cands.values():
        arr.mutated = arr.appended = False
    for node in ast.walk(func):
        if not isinstance(node, ast.Name) or (node.id not in cands and node.id not in rows):
            continue
        if isinstance(node.ctx, ast.Store):
            if not _store_ok(node, up, cands, rows):
                bad.add(node.id)
        elif isinstance(node.ctx, ast.Del) or not _load_ok(node, up, cands, rows, typer):
            bad.add(node.id)
    return bad


def _store_ok(node: ast.Name, up: dict[int, ast.AST], cands: dict[str, Array],
              rows: dict[str, str]) -> bool:
    parent = up.get(id(node))
    while isinstance(parent, ast.Tuple | ast.List):
        parent = up.get(id(parent))
    return isinstance(parent, ast.Assign | ast.For)


def _is_int(typer: Typer, e: ast.AST) -> bool:
    t = typer.type(e)
    return t is not None and t.name in ("int", "bool")


def _load_ok(node: ast.Name, up: dict[int, ast.AST], cands: dict[str, Array],
             rows: dict[str, str], typer: Typer) -> bool:
    name = node.id
    arr = cands.get(name)
    dims = arr.dims if arr else 1
    kind = arr.kind if arr else rows[name]
    parent = up.get(id(node))
    if isinstance(parent, ast.Subscript) and parent.value is node:
        if isinstance(parent.slice, ast.Slice) or not _is_int(typer, parent.slice):
            return False
        if dims == 2:
            return _row_access_ok(parent, up, arr, rows, typer)
        writable = (arr is not None and kind != "u8") or (arr is None and _rows_writable(cands))
        return _element_ok(parent, up, kind, writable, arr, typer)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.args \
            and not parent.keywords:
        fn = parent.func.id
        if fn in typer.shadowed or fn in typer.env:  # not the builtin
            return False
        if fn == "len" and len(parent.args) == 1:
            return True
        if fn == "sum" and len(parent.args) == 1 and dims == 1 and (
                kind in ("ll", "b") or (kind == "d" and sys.version_info < (3, 12))):
            return True  # 3.12 sums floats with compensation: left to Python there
        loop = up.get(id(parent))
        if isinstance(loop, ast.For) and loop.iter is parent and dims == 1:
            if fn == "enumerate" and len(parent.args) == 1:
                return _names_tuple(loop.target, 2)
            if fn == "zip":
                return _names_tuple(loop.target, len(parent.args)) and all(
                    isinstance(a, ast.Name) and (a.id in rows or (a.id in cands and
                                                                  cands[a.id].dims == 1))
                    for a in parent.args)
        return False
    if isinstance(parent, ast.For) and parent.iter is node:
        if dims == 2:
            return isinstance(parent.target, ast.Name) and parent.target.id in rows
        return isinstance(parent.target, ast.Name)
    if isinstance(parent, ast.Return) and arr is not None and not arr.param and arr.kind != "u8":
        return True
    if isinstance(parent, ast.Attribute) and parent.attr == "append" and arr is not None \
            and not arr.param and dims == 1 and kind != "u8":
        call = up.get(id(parent))
        if isinstance(call, ast.Call) and call.func is parent and len(call.args) == 1 \
                and not call.keywords and isinstance(up.get(id(call)), ast.Expr) \
                and store_ok(kind, typer.type(call.args[0])):
            arr.appended = arr.mutated = True
            return True
        return False
    return _alias_ok(node, up, cands, arr)


def _alias_ok(node: ast.Name, up: dict[int, ast.AST], cands: dict[str, Array],
              arr: Array | None) -> bool:
    """``a = b`` or ``a, b = b, a`` between local arrays of one shape."""
    if arr is None or arr.param:
        return False
    parent = up.get(id(node))
    if isinstance(parent, ast.Assign) and parent.value is node:
        return all(isinstance(t, ast.Name) and t.id in cands for t in parent.targets)
    if isinstance(parent, ast.Tuple) and isinstance(up.get(id(parent)), ast.Assign):
        assign = up[id(parent)]
        k = parent.elts.index(node)
        return assign.value is parent and all(
            isinstance(t, ast.Tuple) and len(t.elts) == len(parent.elts)
            and isinstance(t.elts[k], ast.Name) and t.elts[k].id in cands
            for t in assign.targets)
    return False


def _names_tuple(target: ast.AST, n: int) -> bool:
    return isinstance(target, ast.Tuple) and len(target.elts) == n \
        and all(isinstance(e, ast.Name) for e in target.elts)


def _rows_writable(cands: dict[str, Array]) -> bool:
    return not any(a.param and a.dims == 2 for a in cands.values())


def _row_access_ok(sub: ast.Subscript, up: dict[int, ast.AST], arr: Array,
                   rows: dict[str, str], typer: Typer) -> bool:
    """``a[i]`` of a two-dimensional array: an element access, a row view, or len()."""
    parent = up.get(id(sub))
    if isinstance(parent, ast.Subscript) and parent.value is sub:
        if isinstance(parent.slice, ast.Slice) or not _is_int(typer, parent.slice):
            return False
        return _element_ok(parent, up, arr.kind, not arr.param, arr, typer)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) \
            and parent.func.id == "len" and len(parent.args) == 1 \
            and "len" not in typer.shadowed and "len" not in typer.env:
        return True
    if isinstance(parent, ast.Assign) and parent.value is sub:
        return all(isinstance(t, ast.Name) and t.id in rows for t in parent.targets)
    return False


def _element_ok(sub: ast.Subscript, up: dict[int, ast.AST], kind: str, writable: bool,
                arr: Array | None, typer: Typer) -> bool:
    """A load of one element, or a store of a value of exactly the element type."""
    if isinstance(sub.ctx, ast.Load):
        parent = up.get(id(sub))
        if isinstance(parent, ast.AugAssign) and parent.target is sub:
            return _write(writable, arr) and aug_ok(kind, parent.op, typer.type(parent.value))
        return True
    if isinstance(sub.ctx, ast.Del) or not writable:
        return False
    parent = up.get(id(sub))
    while isinstance(parent, ast.Tuple | ast.List):
        return False
    if isinstance(parent, ast.AugAssign):
        return _write(writable, arr) and aug_ok(kind, parent.op, typer.type(parent.value))
    if isinstance(parent, ast.Assign):
        return _write(writable, arr) and store_ok(kind, typer.type(parent.value))
    return False


def _write(writable: bool, arr: Array | None) -> bool:
    if arr is not None and writable:
        arr.mutated = True
    return writable
