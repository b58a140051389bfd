"""Subscripts of C arrays proven in range, so the generated code skips their index check.

``x[i]`` needs no check inside ``for i in range(lo, stop[, step])`` when the loop's body
does not rebind ``i``, ``lo`` and ``step`` are never negative (a zero step raises before
the loop runs) and ``stop`` is the length of ``x``: ``len(x)``, a name bound once to
``len(x)``, or the count ``n`` of ``x = [v] * n`` (its length is ``max(n, 0)``). ``x`` is
an array bound once (or an argument never rebound): arrays never shrink.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hlopt.nativize.cython_plan import Plan
    from hlopt.nativize.infer import Typer


def safe_indexes(func: ast.FunctionDef, pl: Plan, typer: Typer) -> set[int]:
    """ids of the Subscript nodes of ``func`` whose index is in range."""
    from hlopt.nativize.cython_plan import _binding_nodes, _in_loop_nodes

    binds = _binding_nodes(func)
    stable = {n for n, a in pl.arrays.items() if len(binds.get(n, [])) == (0 if a.param else 1)}
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    if "len" in typer.shadowed or "len" in pl.env:  # not the builtin
        return set()
    lengths = _length_names(binds, stable, _in_loop_nodes(func), params | pl.unbound)
    out: set[int] = set()
    for loop in ast.walk(func):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)
                and not _rebinds(loop.body, loop.target.id)):
            continue
        arrays = _range_over(loop.iter, stable, lengths, pl, typer)
        i = loop.target.id
        for stmt in loop.body if arrays else []:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) \
                        and sub.value.id in arrays and isinstance(sub.slice, ast.Name) \
                        and sub.slice.id == i:
                    out.add(id(sub))
    return out


def _rebinds(body: list[ast.stmt], name: str) -> bool:
    """Whether ``body`` assigns (or deletes) ``name``."""
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
               for s in body for n in ast.walk(s))


def _length_names(binds: dict[str, list[ast.AST]], stable: set[str], in_loop: set[int],
                  params: set[str]) -> dict[str, set[str]]:
    """name -> the stable arrays at least that long wherever the name is read. ``params``:
    parameters and maybe-unbound names (a name that held another value first)."""
    out: dict[str, set[str]] = {}
    for name, values in binds.items():
        if len(values) == 1 and _len_of(values[0]) in stable and name not in params:
            out.setdefault(name, set()).add(_len_of(values[0]))
    for arr in stable:
        values = binds.get(arr, [])
        count = _repeat_count(values[0]) if len(values) == 1 else None
        if count is None or id(values[0]) in in_loop:
            continue
        count_binds = binds.get(count, [])
        if (count in params and not count_binds) or (
                count not in params and len(count_binds) == 1
                and id(count_binds[0]) not in in_loop):
            out.setdefault(count, set()).add(arr)
    return out


def _len_of(v: ast.AST) -> str | None:
    if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "len" \
            and len(v.args) == 1 and isinstance(v.args[0], ast.Name) and not v.keywords:
        return v.args[0].id
    return None


def _repeat_count(v: ast.AST) -> str | None:
    """``n`` of ``[c] * n`` or ``n * [c]`` (one constant item)."""
    if not (isinstance(v, ast.BinOp) and isinstance(v.op, ast.Mult)):
        return None
    lst, count = (v.left, v.right) if isinstance(v.left, ast.List) else (v.right, v.left)
    if isinstance(lst, ast.List) and len(lst.elts) == 1 \
            and isinstance(lst.elts[0], ast.Constant) and isinstance(count, ast.Name):
        return count.id
    return None


def _range_over(it: ast.AST, stable: set[str], lengths: dict[str, set[str]],
                pl: Plan, typer: Typer) -> set[str]:
    """The arrays every value of ``range(...)`` indexes in range (empty if none)."""
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
            and "range" not in pl.env and "range" not in typer.shadowed
            and 1 <= len(it.args) <= 3 and not it.keywords):
        return set()
    if len(it.args) >= 2 and not nonneg(it.args[0], pl, typer):
        return set()
    if len(it.args) == 3 and not nonneg(it.args[2], pl, typer):
        return set()
    stop = it.args[1] if len(it.args) >= 2 else it.args[0]
    if isinstance(stop, ast.Name):
        return lengths.get(stop.id, set())
    arr = _len_of(stop)
    return {arr} if arr in stable else set()


def nonneg(e: ast.AST, pl: Plan, typer: Typer) -> bool:
    """An int expression whose value is never negative (C arithmetic on it is overflow
    checked, so a value the native code has is Python's)."""
    from hlopt.nativize.cython_u64 import nonneg_expr

    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Mult) \
            and isinstance(e.left, ast.Name) and isinstance(e.right, ast.Name) \
            and e.left.id == e.right.id and e.left.id in pl.env \
            and pl.env[e.left.id].name == "int":
        return True  # a square
    return nonneg_expr(e, pl.nonneg, typer)
