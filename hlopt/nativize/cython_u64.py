"""Masked integer arithmetic (``(h * P) & 0xFFFFFFFFFFFFFFFF``) as exact unsigned 64-bit C code.

Python's ``x & M`` with a constant ``0 <= M < 2**64`` depends only on ``x mod 2**64``, and
``+ - * << ~ -x ^ |`` commute with reduction mod 2**64 (``&`` and ``^`` act on Python's
infinite two's complement). So an expression is computed in ``unsigned long long``
wrapping arithmetic when every value it stores is masked: the stored value is exactly
Python's. Kinds: ``exact`` (the value is the Python value, in [0, 2**64)), ``mod`` (the
Python value reduced mod 2**64), None (neither).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hlopt.nativize.analyse import const_eval

if TYPE_CHECKING:
    from hlopt.nativize.infer import Typer
    from hlopt.nativize.model import Analysis

U64 = "cython.ulonglong"
M64 = 2**64
_RING = (ast.Add, ast.Sub, ast.Mult)
#: helpers the generated code calls: wrapping unsigned arithmetic without overflow checks
_UOPS = {ast.Add: "_hl_uadd", ast.Sub: "_hl_usub", ast.Mult: "_hl_umul", ast.LShift: "_hl_ushl"}


@dataclass
class Kinds:
    """Classifies expressions; ``u64`` names are held as unsigned C ints, ``nonneg`` are
    C ints known to be >= 0, ``consts`` are the module's int constants."""

    typer: Typer
    c_ints: bool  # True when int-typed names are C long longs (fallback-safe function)
    u64: set[str] = field(default_factory=set)
    nonneg: set[str] = field(default_factory=set)
    consts: dict[str, int] = field(default_factory=dict)

    def const(self, e: ast.AST) -> int | None:
        if isinstance(e, ast.Constant) and type(e.value) in (int, bool):
            return int(e.value)
        if isinstance(e, ast.Name) and e.id in self.consts and e.id not in self.typer.env:
            return self.consts[e.id]
        return None

    def kind(self, e: ast.AST) -> tuple[str | None, bool]:
        """(kind, wraps): wraps is True when computing in long long could not be exact
        (a wrapping operation, a constant beyond 2**63 or a u64 name is involved)."""
        c = self.const(e)
        if c is not None:
            return ("exact" if 0 <= c < M64 else "mod"), c >= 2**63 or c < -(2**63)
        if isinstance(e, ast.Name) and e.id in self.u64:
            return "exact", True
        if isinstance(e, ast.BinOp):
            k, w = self._binop(e)
            return (k, w) if k is not None else (self._leaf(e), False)
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub | ast.Invert | ast.UAdd):
            k, w = self.kind(e.operand)
            if k is not None:
                return ("exact", w) if isinstance(e.op, ast.UAdd) else ("mod", True)
        return self._leaf(e), False

    def _leaf(self, e: ast.AST) -> str | None:
        if not self.c_ints:
            return None
        t = self.typer.type(e)
        if t is None or t.name not in ("int", "bool"):
            return None
        return "exact" if t.name == "bool" or self.is_nonneg(e) else "mod"

    def is_nonneg(self, e: ast.AST) -> bool:
        if isinstance(e, ast.Name):
            return e.id in self.nonneg
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and len(e.args) == 1 \
                and e.func.id in ("len", "ord") and e.func.id not in self.typer.env:
            return True
        if isinstance(e, ast.Subscript) and not isinstance(e.slice, ast.Slice):
            base = self.typer.type(e.value)
            return base is not None and base.name in ("bytes", "bytearray")
        return False

    def _binop(self, e: ast.BinOp) -> tuple[str | None, bool]:
        (a, wa), (b, wb) = self.kind(e.left), self.kind(e.right)
        if a is None or b is None:
            return None, False
        w = wa or wb
        op = e.op
        if isinstance(op, _RING):
            return "mod", True
        if isinstance(op, ast.LShift):
            k = self.const(e.right)
            return ("mod", True) if k is not None and 0 <= k < 64 else (None, False)
        if isinstance(op, ast.BitAnd):
            return ("exact" if "exact" in (a, b) else "mod"), w
        if isinstance(op, ast.BitOr | ast.BitXor):
            return ("exact" if a == b == "exact" else "mod"), w
        k = self.const(e.right)
        if a == "exact" and k is not None and (
                (isinstance(op, ast.RShift) and 0 <= k < 64)
                or (isinstance(op, ast.Mod | ast.FloorDiv) and 0 < k < M64)):
            return "exact", w
        return None, False

    # -- emission ------------------------------------------------------------------------
    def emit(self, e: ast.AST, visit) -> ast.expr:  # noqa: ANN001 - visit: the body writer's
        """The C ``unsigned long long`` expression for ``e`` (whose kind is not None)."""
        c = self.const(e)
        if c is not None:
            return cast(U64, ast.Constant(c % M64))
        if isinstance(e, ast.Name) and e.id in self.u64:
            return ast.Name(e.id, ast.Load())
        if isinstance(e, ast.BinOp) and self._binop(e)[0] is not None:
            left, right = self.emit(e.left, visit), self.emit(e.right, visit)
            if type(e.op) in _UOPS:
                return ast.Call(ast.Name(_UOPS[type(e.op)], ast.Load()), [left, right], [])
            return ast.BinOp(left, e.op, right)
        if isinstance(e, ast.UnaryOp) and self.kind(e.operand)[0] is not None:
            x = self.emit(e.operand, visit)
            if isinstance(e.op, ast.USub):
                return ast.Call(ast.Name("_hl_usub", ast.Load()), [cast(U64, ast.Constant(0)), x],
                                [])
            return x if isinstance(e.op, ast.UAdd) else ast.UnaryOp(ast.Invert(), x)
        return cast(U64, visit(e))

    def helpers(self, e: ast.AST) -> set[str]:
        return {_UOPS[type(n.op)] for n in ast.walk(e) if isinstance(n, ast.BinOp)
                and type(n.op) in _UOPS} | {"_hl_usub" for n in ast.walk(e)
                                             if isinstance(n, ast.UnaryOp)
                                             and isinstance(n.op, ast.USub)}


def cast(ctype: str, e: ast.expr) -> ast.Call:
    return ast.Call(ast.Attribute(ast.Name("cython", ast.Load()), "cast", ast.Load()),
                    [ast.parse(ctype, mode="eval").body, e], [])


def int_constants(analysis: Analysis) -> dict[str, int]:
    out = {}
    for name, text in analysis.constants.items():
        try:
            v = const_eval(ast.parse(text, mode="eval").body)
        except (ValueError, SyntaxError):
            continue
        if type(v) is int:
            out[name] = v
    return out


def nonneg_names(func: ast.FunctionDef, typer: Typer, binds: dict) -> set[str]:
    """Int locals every binding of which is >= 0 given that the others are (the largest such
    set: a value is made by a binding from values made before it, so by induction every
    value is >= 0): loops over bytes or ``range``, ``len()``, ``x % k``, sums of such."""
    out = {name for name, bs in binds.items() if bs and (t := typer.env.get(name)) is not None
           and t.name == "int"}
    while True:
        bad = {n for n in out if not all(_nonneg_binding(typer, b, out) for b in binds[n])}
        if not bad:
            return out
        out -= bad


def _nonneg_binding(typer: Typer, b: tuple[str, ast.AST, int], names: set[str]) -> bool:
    kind, node, _ = b
    if kind == "iter":
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "range" and node.func.id not in typer.env \
                and not node.keywords and 1 <= len(node.args) <= 3:
            return len(node.args) == 1 or all(nonneg_expr(a, names, typer)
                                              for a in node.args[::2])
        t = typer.type(node)
        return t is not None and t.name in ("bytes", "bytearray")
    if kind == "iteritem" and b[2] == 0 and isinstance(node, ast.Call) \
            and isinstance(node.func, ast.Name) and node.func.id == "enumerate" \
            and node.func.id not in typer.env and not node.keywords and 1 <= len(node.args) <= 2:
        return len(node.args) == 1 or nonneg_expr(node.args[1], names, typer)  # the counter
    if kind == "expr":
        return nonneg_expr(node, names, typer)
    if kind == "aug":
        return nonneg_expr(ast.BinOp(node.target, node.op, node.value), names, typer)
    return False


_BOTH = (ast.Add, ast.Mult, ast.FloorDiv, ast.BitOr, ast.BitXor)


def nonneg_expr(e: ast.AST, names: set[str], typer: Typer) -> bool:  # noqa: C901 - one table
    """An int expression whose value is >= 0 when ``names`` hold values >= 0."""
    if isinstance(e, ast.Constant):
        return type(e.value) in (int, bool) and e.value >= 0
    if isinstance(e, ast.Name):
        return e.id in names
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and not e.keywords \
            and e.func.id not in typer.env and e.func.id not in typer.shadowed:
        if e.func.id in ("len", "ord", "abs") and len(e.args) == 1:
            t = typer.type(e.args[0])
            return e.func.id != "abs" or (t is not None and t.name in ("int", "bool"))
        if e.func.id in ("min", "max") and len(e.args) >= 2:
            check = all if e.func.id == "min" else any
            return check(nonneg_expr(a, names, typer) for a in e.args)
        return False
    if isinstance(e, ast.Subscript) and not isinstance(e.slice, ast.Slice):
        base = typer.type(e.value)
        return base is not None and base.name in ("bytes", "bytearray")
    if isinstance(e, ast.IfExp):
        return nonneg_expr(e.body, names, typer) and nonneg_expr(e.orelse, names, typer)
    if not isinstance(e, ast.BinOp):
        return False
    left, right = (nonneg_expr(x, names, typer) for x in (e.left, e.right))
    if isinstance(e.op, _BOTH):
        return left and right
    if isinstance(e.op, ast.Mod):  # the result has the divisor's sign
        return right
    if isinstance(e.op, ast.BitAnd):
        return left or right
    return isinstance(e.op, ast.RShift) and left


def u64_names(func: ast.FunctionDef, kinds: Kinds, binds: dict, params: list[str],
              unbound: set[str]) -> set[str]:
    """Locals held as unsigned 64-bit ints: every binding is an exact expression, and at
    least one needs the unsigned wraparound (else long long serves them already)."""
    cands = {n for n, bs in binds.items() if n not in params and n not in unbound
             and all(k in ("expr", "aug") for k, _, _ in bs)}
    saved = kinds.u64
    try:
        while True:
            kinds.u64 = cands
            bad = {n for n in cands if any(_binding_kind(kinds, b)[0] != "exact"
                                           for b in binds[n])}
            if not bad:
                break
            cands = cands - bad
        kinds.u64 = set()
        needed: set[str] = set()
        while True:
            kinds.u64 = needed
            more = {n for n in cands - needed if any(
                _binding_kind(kinds, b)[1] or _mentions(b[1], needed) for b in binds[n])}
            if not more:
                return needed
            needed |= more
    finally:
        kinds.u64 = saved


def _binding_kind(kinds: Kinds, b: tuple[str, ast.AST, int]) -> tuple[str | None, bool]:
    kind, node, _ = b
    if kind == "aug":
        return kinds.kind(ast.BinOp(node.target, node.op, node.value))
    return kinds.kind(node)


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def verified(kinds: Kinds, binds: dict, names: set[str]) -> set[str]:
    """The subset of ``names`` whose bindings are exact under the final types."""
    out = set(names)
    while True:
        kinds.u64 = out
        bad = {n for n in out if any(_binding_kind(kinds, b)[0] != "exact" for b in binds[n])}
        if not bad:
            return out
        out -= bad


HELPERS = {
    name: f'''@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
@cython.overflowcheck(False)
def {name}(a: cython.ulonglong, b: cython.ulonglong) -> cython.ulonglong:
    return a {op} b
''' for name, op in (("_hl_uadd", "+"), ("_hl_usub", "-"), ("_hl_umul", "*"),
                     ("_hl_ushl", "<<"))}
HELPERS["_hl_u2i"] = '''@cython.cfunc
@cython.inline
def _hl_u2i(a: cython.ulonglong) -> cython.longlong:
    if a > 9223372036854775807:
        raise OverflowError("hlopt: value needs a Python int")
    return cython.cast(cython.longlong, a)
'''
