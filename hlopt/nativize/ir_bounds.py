"""Indexes proved in range: ``seq[j]`` inside ``for j in range(a, n, s)`` where ``seq`` is a
local list made with ``[x] * n``, ``a >= 0`` and ``s > 0`` (a sieve's inner loop).

A local list never changes length in the subset and is assigned once, so its length is
``max(n, 0)`` for the ``n`` it was made with; when ``n`` is a parameter never reassigned
(or a constant) and the loop's stop is that same ``n``, every ``j`` the loop gives is in
``[0, len(seq))``. The
loop variable must not be reassigned in the body. Such reads become ``index_ok`` and such
stores ``checked=False``: no bounds check (the emitters index directly).
"""

from __future__ import annotations

from hlopt.nativize import ir
from hlopt.nativize.ir import Assign, Const, Operand, Var
from hlopt.nativize.ir_signs import nonneg_vars


def unchecked_indexes(fn: ir.Function) -> ir.Function:
    """``fn`` with the reads and stores proved in range marked unchecked."""
    defs = _definitions(fn)
    lengths = _list_lengths(fn, defs)
    if not lengths:
        return fn
    nonneg = nonneg_vars(fn)
    for loop in ir.walk(fn.body):
        if isinstance(loop, ir.ForRange) and _counts_up(loop, nonneg, defs):
            for seq, count in lengths.items():
                if _same(count, loop.stop, defs):
                    _mark(loop.body, seq, loop.var.name)
    return fn


def _definitions(fn: ir.Function) -> dict[str, list[object]]:
    """Every variable -> its definitions (an Op, or the loop that binds it)."""
    defs: dict[str, list[object]] = {}
    for s in ir.walk(fn.body):
        if isinstance(s, Assign):
            defs.setdefault(s.dst.name, []).append(s.op)
        elif isinstance(s, ir.ForRange):
            defs.setdefault(s.var.name, []).append(s)
        elif isinstance(s, ir.ForEach):
            for v in [*s.vars, *([s.index] if s.index is not None else [])]:
                defs.setdefault(v.name, []).append(s)
    return defs


def _list_lengths(fn: ir.Function, defs: dict[str, list[object]]) -> dict[str, Operand]:
    """Local list -> the count it was made with (``[x] * count``), when that is sure."""
    out = {}
    for name, t in fn.locals.items():
        if not ir.is_list(t) or len(defs.get(name, [])) != 1:
            continue
        op = defs[name][0]
        src = op.args[0] if op.kind == "copy" else None
        made = defs.get(src.name, []) if isinstance(src, Var) else []
        if len(made) == 1 and getattr(made[0], "kind", "") == "newlist":
            out[name] = made[0].args[0]
    return out


def _counts_up(loop: ir.ForRange, nonneg: set[str], defs: dict[str, list[object]]) -> bool:
    """start >= 0, step > 0 (a zero step falls back before the loop), the loop variable
    bound by the loop only."""
    def ok(v: Operand) -> bool:
        return (isinstance(v, Const) and v.value >= 0) or (isinstance(v, Var) and
                                                             v.name in nonneg)
    step_ok = (isinstance(loop.step, Const) and loop.step.value > 0) or ok(loop.step)
    return ok(loop.start) and step_ok and len(defs.get(loop.var.name, [])) == 1


def _same(a: Operand, b: Operand, defs: dict[str, list[object]]) -> bool:
    """Whether ``a`` and ``b`` surely hold one value: the same constant, or copies of one
    parameter that is never reassigned (a local assigned once may still be assigned on
    every turn of a loop, so it does not count)."""
    a, b = _root(a, defs), _root(b, defs)
    if isinstance(a, Const) or isinstance(b, Const):
        return isinstance(a, Const) and isinstance(b, Const) and a.value == b.value
    return a.name == b.name and not defs.get(a.name)


def _root(v: Operand, defs: dict[str, list[object]]) -> Operand:
    while isinstance(v, Var) and len(defs.get(v.name, [])) == 1:
        op = defs[v.name][0]
        if getattr(op, "kind", "") != "copy":
            break
        v = op.args[0]
    return v


def _mark(body: list[ir.Stmt], seq: str, var: str) -> None:
    for s in ir.walk(body):
        if isinstance(s, ir.Store) and s.seq.name == seq and _is(s.index, var):
            s.checked = False
        elif isinstance(s, Assign) and s.op.kind == "index" and s.op.args[0].name == seq \
                and _is(s.op.args[1], var):
            s.op = ir.Op("index_ok", s.op.args, s.op.type, s.op.fn)


def _is(v: Operand, name: str) -> bool:
    return isinstance(v, Var) and v.name == name
