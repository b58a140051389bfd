"""Rewrite a function body into Cython-ready Python: C arrays, exact arithmetic helpers."""

from __future__ import annotations

import ast

from hlopt.nativize import cython_str as strs
from hlopt.nativize import cython_view as view
from hlopt.nativize.analyse import const_eval
from hlopt.nativize.cython_plan import Plan
from hlopt.nativize.cython_runtime import MATH_1, PPTR, PTR
from hlopt.nativize.cython_u64 import Kinds, int_constants, nonneg_expr
from hlopt.nativize.infer import INT_MAX, INT_MIN, Typer
from hlopt.nativize.model import Analysis, NType

_P = {**PTR, "u8": "cython.p_const_uchar"}
_PP = dict(PPTR)


def _name(n: str) -> ast.Name:
    return ast.Name(n, ast.Load())


def _store(n: str) -> ast.Name:
    return ast.Name(n, ast.Store())


def _call(fn: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(fn), list(args), [])


def _box(e: ast.expr) -> ast.expr:
    return ast.Call(ast.Attribute(_name("cython"), "cast", ast.Load()), [_name("object"), e], [])


def _assign(target: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([_store(target)], value, lineno=0)


def _int_lit(e: ast.AST, lo: int = 0, hi: int = INT_MAX) -> bool:
    return isinstance(e, ast.Constant) and type(e.value) is int and lo <= e.value <= hi


class BodyWriter(ast.NodeTransformer):
    """Transforms statements of the target; ``decls`` collects hidden C variables."""

    def __init__(self, plan: Plan, typer: Typer, analysis: Analysis, safe_index: dict) -> None:
        self.plan, self.typer, self.analysis = plan, typer, analysis
        self.safe_index = safe_index  # id(Subscript) of proven in-range indexes
        self.decls: dict[str, str] = {}
        self.needs: set[str] = set()
        self.owners: list[str] = []
        self.count = 0
        self.kinds = Kinds(typer, plan.fallback_safe, plan.u64, plan.nonneg,
                           int_constants(analysis))
        self.consts = {}
        for name, text in analysis.constants.items():
            v = const_eval(ast.parse(text, mode="eval").body)
            if type(v) in (float, str, bytes, bool) or v is None or \
                    (type(v) is int and INT_MIN <= v <= INT_MAX):
                self.consts[name] = v

    # -- helpers --------------------------------------------------------------------------
    def hidden(self, prefix: str, ctype: str) -> str:
        self.count += 1
        name = f"_hl_{prefix}{self.count}"
        self.decls[name] = ctype
        return name

    def need(self, name: str) -> str:
        self.needs.add(name)
        return name

    def t(self, e: ast.AST) -> NType | None:
        return self.typer.type(e)

    def is_c(self, t: NType | None) -> bool:
        if t is None:
            return False
        return t.name in ("float", "bool") or (t.name == "int" and self.plan.fallback_safe)

    def arr(self, e: ast.AST):  # noqa: ANN201
        return self.plan.arrays.get(e.id) if isinstance(e, ast.Name) else None

    def is_row(self, e: ast.AST) -> bool:
        return isinstance(e, ast.Name) and e.id in self.plan.rows

    def index(self, sub: ast.Subscript, length: ast.expr) -> ast.expr:
        idx = self.visit(sub.slice)
        if id(sub) in self.safe_index:
            return idx
        t = self.t(sub.slice)
        if t is not None and t.name == "int" and not self.is_c(t):
            return _call(self.need("_hl_ixo"), idx, length)
        if nonneg_expr(sub.slice, self.plan.nonneg, self.typer):
            return _call(self.need("_hl_ixp"), idx, length)
        return _call(self.need("_hl_ix"), idx, length)

    def element(self, sub: ast.Subscript) -> ast.expr | None:
        """``x[i]``/``a[i][j]`` of a C array, rewritten with checked indexes; None if not one."""
        base = sub.value
        if self.arr(base) and self.arr(base).view:
            return self.view_load(base.id, self.index(sub, _name(f"_hl_n_{base.id}")))
        if (self.arr(base) and self.arr(base).dims == 1) or self.is_row(base):
            return ast.Subscript(_name(base.id), self.index(sub, _name(f"_hl_n_{base.id}")),
                                 sub.ctx)
        if isinstance(base, ast.Subscript) and self.arr(base.value) \
                and self.arr(base.value).dims == 2:
            a = base.value.id
            row = self.index(base, _name(f"_hl_n_{a}"))
            row2 = self.index(base, _name(f"_hl_n_{a}"))
            col = self.index(sub, ast.Subscript(_name(f"_hl_l_{a}"), row2, ast.Load()))
            return ast.Subscript(ast.Subscript(_name(a), row, ast.Load()), col, sub.ctx)
        return None

    def d2i(self, x: ast.expr) -> ast.expr:
        """``int(x)`` of a C double: checked, then truncated by the C cast."""
        return _call("cython.cast", _name("cython.longlong"), _call(self.need("_hl_dck"), x))

    def view_load(self, name: str, idx: ast.expr) -> ast.expr:
        """Item ``idx`` (>= 0) of the list argument ``name`` read in place (cython_view.py)."""
        kind = self.plan.arrays[name].kind
        self.needs.update(view.needs(kind))
        return view.load(kind, _name(name), idx)

    # -- expressions ----------------------------------------------------------------------
    def visit__Typed(self, node: ast.expr) -> ast.expr:
        return node.node

    def u64(self, e: ast.expr) -> ast.expr:
        """``e`` (of kind exact or mod) as an unsigned 64-bit C expression."""
        self.needs |= self.kinds.helpers(e)
        return self.kinds.emit(e, self.visit)

    def masked(self, node: ast.expr) -> ast.expr | None:
        """An exact masked expression that long long arithmetic cannot compute, as C."""
        if not (self.plan.u64 or any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitAnd)
                                     for n in ast.walk(node))):
            return None
        kind, wraps = self.kinds.kind(node)
        if kind != "exact" or not wraps:
            return None
        t = self.t(node)
        if t is not None and t.name == "int" and self.is_c(t):
            return _call(self.need("_hl_u2i"), self.u64(node))
        return _box(self.u64(node))

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.plan.u64:
            return _box(node)
        if isinstance(node.ctx, ast.Load) and node.id not in self.plan.env:
            if node.id in self.consts:
                return ast.Constant(self.consts[node.id])
            if node.id in self.analysis.globals_read:
                return _call(self.need("_hl_gl"), ast.Constant(node.id))
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        el = self.element(node)
        if el is not None:
            return el
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        f = node.func
        if isinstance(f, ast.Name) and f.id == "len" and len(node.args) == 1 \
                and "len" not in self.typer.shadowed and "len" not in self.plan.env:
            a = node.args[0]
            if self.arr(a) or self.is_row(a):
                return _name(f"_hl_n_{a.id}")
            if isinstance(a, ast.Subscript) and self.arr(a.value) and self.arr(a.value).dims == 2:
                return ast.Subscript(_name(f"_hl_l_{a.value.id}"),
                                     self.index(a, _name(f"_hl_n_{a.value.id}")), ast.Load())
        if isinstance(f, ast.Name) and f.id == "sum" and len(node.args) == 1 \
                and self.arr(node.args[0]):
            a = node.args[0].id
            kind = self.arr(node.args[0]).kind
            v = "v" if self.arr(node.args[0]).view else ""
            return _call(self.need(f"_hl_{v}sumf_d" if kind == "d" else f"_hl_{v}sum_{kind}"),
                         _name(a), _name(f"_hl_n_{a}"))
        out = self._math(node) or self._builtin(node) or strs.method_call(self, node)
        if out is not None:
            return out
        return self.generic_visit(node)

    def _math(self, node: ast.Call) -> ast.expr | None:
        f = node.func
        name = None
        if isinstance(f, ast.Name) and f.id in self.typer.math and f.id not in self.plan.env:
            name = self.typer.math[f.id]
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                and f.value.id + "." in self.typer.math and f.value.id not in self.plan.env:
            name = f.attr
        if name is None or len(node.args) != 1 or node.keywords:
            return None
        at = self.t(node.args[0])
        if not (at and at.name in ("float", "int", "bool") and self.is_c(at)):
            return None
        arg = self.visit(node.args[0])
        if name == "sqrt":
            return _call(self.need("_hl_sqrt"), arg)
        if name == "fabs":
            return _call("_hl_c_fabs", arg)
        if name in MATH_1:
            return _call(self.need(f"_hl_m_{name}"), arg)
        if name in ("floor", "ceil") and self.plan.fallback_safe and at.name == "float":
            return self.d2i(_call(f"_hl_c_{name}", arg))
        return None

    def _builtin(self, node: ast.Call) -> ast.expr | None:
        f = node.func
        if not isinstance(f, ast.Name) or f.id in self.plan.env or node.keywords \
                or f.id in self.typer.shadowed:
            return None
        types = [self.t(a) for a in node.args]
        result = self.t(node)
        if f.id == "int" and len(types) == 1 and types[0] and types[0].name == "float" \
                and self.is_c(types[0]):
            if self.plan.fallback_safe:
                return self.d2i(self.visit(node.args[0]))
            return _call("int", _box(self.visit(node.args[0])))
        if f.id in ("min", "max", "abs", "round", "pow", "divmod", "sum", "int") and \
                any(self.is_c(t) for t in types) and not self.is_c(result):
            return ast.Call(f, [_box(self.visit(a)) if self.is_c(t) else self.visit(a)
                                for a, t in zip(node.args, types, strict=True)], [])
        return None

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        out = self.masked(node)
        if out is not None:
            return out
        a, b, r = self.t(node.left), self.t(node.right), self.t(node)
        left, right = self.visit(node.left), self.visit(node.right)
        ca, cb = self.is_c(a), self.is_c(b)
        if not (ca or cb):
            return ast.BinOp(left, node.op, right)
        if not self.is_c(r) or not (ca and cb):
            return ast.BinOp(_box(left) if ca else left, node.op, _box(right) if cb else right)
        op = node.op
        if isinstance(op, ast.Pow) and not self.plan.fallback_safe \
                and isinstance(node.right, ast.Constant) and type(node.right.value) is float \
                and not node.right.value.is_integer():
            return ast.BinOp(_box(left), op, _box(right))  # may be complex: Python computes
        if r.name == "float":
            helper = {ast.Mod: "_hl_fmod", ast.FloorDiv: "_hl_ffloordiv",
                      ast.Pow: "_hl_fpow"}.get(type(op))
            if helper:
                return _call(self.need(helper), left, right)
            if isinstance(op, ast.Div) and a.name != "float" and b.name != "float":
                return _call(self.need("_hl_tdiv"), left, right)
            return ast.BinOp(left, op, right)
        if isinstance(op, ast.Div):
            return _call(self.need("_hl_tdiv"), left, right)
        if isinstance(op, ast.Mod) and not _int_lit(node.right, 1):
            return _call(self.need("_hl_imod"), left, right)
        if isinstance(op, ast.Pow):
            return _call(self.need("_hl_ipow"), left, right)
        if isinstance(op, ast.LShift) and not _int_lit(node.right, 0, 62):
            return _call(self.need("_hl_shl"), left, right)
        if isinstance(op, ast.RShift) and not _int_lit(node.right, 0, 62):
            return _call(self.need("_hl_shr"), left, right)
        return ast.BinOp(left, op, right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        t = self.t(node.operand)
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub) and t and t.name in ("int", "bool") and self.is_c(t):
            return _call(self.need("_hl_neg"), operand)
        return ast.UnaryOp(node.op, operand)

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        items = [node.left, *node.comparators]
        if self.plan.u64 and all(isinstance(op, ast.Eq | ast.NotEq | ast.Lt | ast.LtE | ast.Gt
                                            | ast.GtE) for op in node.ops) \
                and any(isinstance(n, ast.Name) and n.id in self.plan.u64
                        for x in items for n in ast.walk(x)) \
                and all(self.kinds.kind(x)[0] == "exact" for x in items):
            return ast.Compare(self.u64(items[0]), node.ops, [self.u64(x) for x in items[1:]])
        types = [self.t(x) for x in items]
        out = [self.visit(x) for x in items]
        for k in range(len(items)):
            near = [types[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
            if types[k] and types[k].name in ("int", "bool") and self.is_c(types[k]) and \
                    any(n is not None and n.name == "float" for n in near):
                out[k] = _call(self.need("_hl_i2d"), out[k])
        return ast.Compare(out[0], node.ops, out[1:])
