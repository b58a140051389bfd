"""Sign facts over the IR: int variables that are never negative, and the floor divisions
and modulos they allow to run in unsigned arithmetic.

For ``a >= 0`` and a constant ``k > 0``, Python's ``a // k`` and ``a % k`` are the
unsigned C operations (no sign fix-up), and the compiler reduces them to a multiply and
a shift. Which variables are never negative is found by a fixed point: assume every int
local is, then drop each one with an assignment that could give a negative value, until
nothing changes. Parameters are never assumed (any int comes in).
"""

from __future__ import annotations

from hlopt.nativize import ir
from hlopt.nativize.ir import BYTES, INT, Assign, Const, Op, Operand, Var

#: kinds whose result is >= 0 when every argument is
_ALL_NONNEG = frozenset({"copy", "add", "add_safe", "mul", "floordiv", "bor", "bxor",
                         "lshift", "rshift", "pow", "udiv", "umod"})
#: kinds whose result is always >= 0 (mod by a non-negative divisor: see below)
_ALWAYS = frozenset({"abs", "len", "b2i"})


def unsigned_divisions(fn: ir.Function) -> ir.Function:
    """``fn`` with ``a // k`` and ``a % k`` (``a`` never negative, ``k`` a positive
    constant) rewritten to the kinds ``udiv`` and ``umod``."""
    nonneg = nonneg_vars(fn)
    for s in ir.walk(fn.body):
        if isinstance(s, Assign) and s.op.kind in ("floordiv", "mod"):
            a, k = s.op.args
            if _nonneg(a, nonneg) and isinstance(k, Const) and k.value > 0:
                s.op = Op("udiv" if s.op.kind == "floordiv" else "umod", s.op.args,
                          s.op.type, s.op.fn)
    return fn


def nonneg_vars(fn: ir.Function) -> set[str]:
    """Names of the int locals (not parameters) that never hold a negative value."""
    defs = _definitions(fn)
    params = {p.name for p in fn.params}
    known = {name for name in defs if name not in params}
    changed = True
    while changed:
        changed = False
        for name in list(known):
            if not all(_gives_nonneg(d, known) for d in defs[name]):
                known.discard(name)
                changed = True
    return known


def _definitions(fn: ir.Function) -> dict[str, list[object]]:
    """Every int variable -> what assigns it: an Op, a ForRange, or a ForEach part."""
    defs: dict[str, list[object]] = {}
    for s in ir.walk(fn.body):
        if isinstance(s, Assign) and s.dst.type == INT:
            defs.setdefault(s.dst.name, []).append(s.op)
        elif isinstance(s, ir.ForRange):
            defs.setdefault(s.var.name, []).append(s)
        elif isinstance(s, ir.ForEach):
            for v, q in zip(s.vars, s.seqs, strict=True):
                if v.type == INT:
                    defs.setdefault(v.name, []).append(("item", q.type))
            if s.index is not None:
                defs.setdefault(s.index.name, []).append(("count", s.start))
    return defs


def _gives_nonneg(d: object, known: set[str]) -> bool:
    if isinstance(d, ir.ForRange):  # start, start + step, ... with step > 0
        return _nonneg(d.start, known) and isinstance(d.step, Const) and d.step.value > 0
    if isinstance(d, tuple):
        kind, what = d
        return what == BYTES if kind == "item" else what >= 0
    op: Op = d
    if op.kind in _ALWAYS:
        return True
    if op.kind in ("mod", "umod"):  # Python's a % b has the sign of b (b == 0 raises)
        return _nonneg(op.args[1], known)
    if op.kind == "band":
        return any(_nonneg(a, known) for a in op.args)
    if op.kind == "index":
        return op.args[0].type == BYTES
    if op.kind in _ALL_NONNEG:
        return all(_nonneg(a, known) for a in op.args)
    return False


def _nonneg(v: Operand, known: set[str]) -> bool:
    if isinstance(v, Const):
        return v.type != ir.FLOAT and v.value >= 0
    if v.type == ir.BOOL:
        return True
    return isinstance(v, Var) and v.name in known
