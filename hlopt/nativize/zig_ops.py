"""Print one IR function as Zig: statements, operations with status checks, frees by defer."""

from __future__ import annotations

import math

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, BYTES, FLOAT, INT, Const, Op, Operand, Var
from hlopt.nativize.ir_emit import PURE2, IRWriter, quote
from hlopt.nativize.model import NType

_ZTYPES = {"int": "i64", "float": "f64", "bool": "bool"}
_BOOL2 = {"band": "and", "bor": "or", "bxor": "!="}
_RET = {"int": "rt.ret_int", "float": "rt.ret_float", "bool": "rt.ret_bool"}


def z_type(t: NType, const: bool = False) -> str:
    if t == BYTES:
        return "[]const u8"
    if ir.is_list(t):
        return ("[]const " if const else "[]") + _ZTYPES[ir.element(t).name]
    return _ZTYPES[t.name]


def z_const(c: Const) -> str:
    v = c.value
    if c.type == BOOL:
        return "true" if v else "false"
    if c.type == INT:
        return "std.math.minInt(i64)" if v == -(2**63) else f"@as(i64, {v})"
    if math.isnan(v):
        return "std.math.nan(f64)"
    if math.isinf(v):
        return "std.math.inf(f64)" if v > 0 else "-std.math.inf(f64)"
    return f"@as(f64, {float(v).hex()})"


def falls(body: list[ir.Stmt]) -> bool:
    """Whether control can reach the end of ``body``."""
    return not body or _falls(body[-1])


def _falls(s: ir.Stmt) -> bool:
    if isinstance(s, ir.Return | ir.Raise | ir.Fallback | ir.Break | ir.Continue):
        return False
    if isinstance(s, ir.If):
        return falls(s.body) or falls(s.orelse) or not s.orelse
    if isinstance(s, ir.Loop):
        return _breaks(s.body)
    if isinstance(s, ir.ForRange):  # range(..., 0) falls back (Python raises ValueError)
        return not (isinstance(s.step, Const) and s.step.value == 0)
    return True


def _breaks(body: list[ir.Stmt]) -> bool:
    for s in body:
        if isinstance(s, ir.Break):
            return True
        if isinstance(s, ir.If) and (_breaks(s.body) or _breaks(s.orelse)):
            return True
    return False


def live(body: list[ir.Stmt]) -> list[ir.Stmt]:
    """``body`` without the statements after one control cannot pass (Zig rejects them)."""
    out = []
    for s in body:
        out.append(s)
        if not _falls(s):
            break
    return out


class ZigWriter(IRWriter):
    LOOP = "while (true)"
    RT = "rt."
    LIBM = "py."
    SIMPLE = {"not": "!{0}", "b2i": "@as(i64, @intFromBool({0}))",
              "i2f": "@as(f64, @floatFromInt({0}))", "fneg": "-{0}", "fabs": "@abs({0})",
              "invert": "~{0}"}

    def _ptype(self, p: Var) -> str:
        return "[]const [*c]py.PyObject" if p.name in self.views else z_type(p.type, const=True)

    def _params(self) -> list[str]:
        out = [f"p_{p.name}: {self._ptype(p)}" for p in self.fn.params]
        ret = "*[*c]py.PyObject" if self.fn.entry else f"*{z_type(self.fn.returns)}"
        return [*out, f"hl_out: {ret}"]

    def function(self) -> str:
        lines = [f"fn hl_fn_{self.fn.name}({', '.join(self._params())}) u8 {{",
                 "    _ = &hl_out; // unused when every path falls back"]
        for p in self.fn.params:
            lines += [f"    var {p.name}: {self._ptype(p)} = p_{p.name};",
                      f"    _ = &{p.name};"]
        for name, t in self.fn.locals.items():
            init = "undefined" if ir.is_seq(t) else "false" if t == BOOL else "0"
            lines += [f"    var {name}: {z_type(t)} = {init};", f"    _ = &{name};"]
            if ir.is_list(t):
                lines += [f"    var {name}_own = false;", f"    _ = &{name}_own;",
                          f"    defer if ({name}_own) rt.free({_ZTYPES[ir.element(t).name]}, "
                          f"{name});"]
        lines += self.block(self.fn.body, 1)
        if falls(self.fn.body):
            lines.append("    return rt.OK;")
        return "\n".join([*lines, "}"])

    # --- statements ----------------------------------------------------------------------

    def reachable(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        return live(body)

    def store(self, s: ir.Store) -> list[str]:
        if not s.checked:  # in range (ir_bounds)
            return [f"{s.seq.name}[@intCast({self.val(s.index)})] = {self.val(s.value)};"]
        return [f"{{ const hl_k = rt.index({self.val(s.index)}, {s.seq.name}.len) orelse "
                f"return rt.FALLBACK; {s.seq.name}[hl_k] = {self.val(s.value)}; }}"]

    def raise_(self, s: ir.Raise) -> list[str]:
        return [f"return rt.raise(py.PyExc_{s.exc}, {quote(s.message)});"]

    def fallback(self, s: ir.Fallback) -> list[str]:
        return [f"return rt.FALLBACK; // {s.why}"]

    def for_range(self, s: ir.ForRange) -> list[str]:
        """A step of 1 or -1 counts to the stop (no overflow possible); any other step
        runs len(range(...)) times, the counter stepping with wrapping arithmetic."""
        self.loops += 1
        k, stop, step = f"hl_i{self.loops}", f"hl_stop{self.loops}", f"hl_step{self.loops}"
        n = f"hl_n{self.loops}"
        out = [f"{{ const {stop}: i64 = {self.val(s.stop)};",
               f"  var {k}: i64 = {self.val(s.start)};"]
        if isinstance(s.step, Const) and s.step.value == 0:
            return ["return rt.FALLBACK; // range() step 0: Python raises ValueError"]
        if isinstance(s.step, Const) and s.step.value in (1, -1):
            cond, nxt = (f"{k} < {stop}", f"{k} += 1") if s.step.value == 1 else \
                (f"{k} > {stop}", f"{k} -= 1")
            head = f"  while ({cond}) : ({nxt}) {{"
        else:
            out.append(f"  const {step}: i64 = {self.val(s.step)};")
            if not isinstance(s.step, Const):
                out.append(f"  if ({step} == 0) return rt.FALLBACK;")
            out.append(f"  var {n}: u64 = rt.range_len({k}, {stop}, {step});")
            head = f"  while ({n} > 0) : ({{ {n} -= 1; {k} +%= {step}; }}) {{"
        return [*out, head, f"    {s.var.name} = {k};", *self.block(s.body, 2), "  }", "}"]

    def for_each(self, s: ir.ForEach) -> list[str]:
        self.loops += 1
        k, n = f"hl_i{self.loops}", f"hl_n{self.loops}"
        lens = [f"{q.name}.len" for q in s.seqs]
        size = lens[0]
        for ln in lens[1:]:
            size = f"@min({size}, {ln})"
        out = [f"{{ const {n}: usize = {size};", f"  var {k}: usize = 0;",
               f"  while ({k} < {n}) : ({k} += 1) {{"]
        for v, q in zip(s.vars, s.seqs, strict=True):
            out.append(f"    {self._item(v.name, q, k)}")
        if s.index is not None:
            out.append(f"    {s.index.name} = @as(i64, @intCast({k})) + {s.start};")
        return [*out, *self.block(s.body, 2), "  }", "}"]

    def ret(self, s: ir.Return) -> list[str]:
        if not self.fn.entry:
            return ([f"hl_out.* = {self.val(s.values[0])};"] if s.values else []) + \
                ["return rt.OK;"]
        if not s.values:
            obj = "rt.ret_none()"
        elif s.tuple:
            items = ", ".join(self.boxed(v) for v in s.values)
            obj = f"rt.ret_tuple(&[_][*c]py.PyObject{{ {items} }})"
        else:
            obj = self.boxed(s.values[0])
        return [f"hl_out.* = {obj};", "return if (hl_out.* == null) rt.ERROR else rt.OK;"]

    def boxed(self, v: Operand) -> str:
        if ir.is_list(v.type):
            return f"rt.ret_list({_ZTYPES[ir.element(v.type).name]}, {v.name})"
        return f"{_RET[v.type.name]}({self.val(v)})"

    # --- operations ----------------------------------------------------------------------

    def const(self, c: Const) -> str:
        return z_const(c)

    def check(self, call: str) -> str:
        return f"{{ const hl_s = {call}; if (hl_s != rt.OK) return hl_s; }}"

    def pure2(self, dst: Var, op: Op, a: list[str]) -> str:
        if op.kind in _BOOL2 and dst.type == BOOL:
            return f"{dst.name} = {a[0]} {_BOOL2[op.kind]} {a[1]};"
        if op.args[0].type == BOOL and op.kind in ("lt", "le", "gt", "ge"):
            a = [f"@intFromBool({x})" for x in a]
        return f"{dst.name} = {a[0]} {PURE2[op.kind]} {a[1]};"

    def _item(self, dst: str, seq: Var, k: str) -> str:
        """``dst = seq[k]`` for an index known to be in range."""
        item = f"{seq.name}[{k}]"
        if seq.name in self.views:
            kind = self.views[seq.name]
            return f"{{ const hl_s = rt.item_{kind}({item}, &{dst}); if (hl_s != rt.OK) " \
                   "return hl_s; }"
        return f"{dst} = {'@as(i64, ' + item + ')' if seq.type == BYTES else item};"

    def op_copy(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        d = dst.name
        if ir.is_list(dst.type):
            src = op.args[0].name
            return [f"{d} = {src}; {d}_own = {src}_own; {src}_own = false;"]
        return [f"{d} = {a[0]};"]

    def op_truth(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{dst.name} = {a[0]} != {'0.0' if op.args[0].type == FLOAT else '0'};"]

    def op_index_ok(self, dst: Var, op: Op, a: list[str]) -> list[str]:  # in range (ir_bounds)
        return [self._item(dst.name, op.args[0], f"@as(usize, @intCast({a[1]}))")]

    def op_udiv(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        """a >= 0, a constant > 0 (ir_signs)"""
        return [f"{dst.name} = rt.udiv({a[0]}, {a[1]});"]

    def op_umod(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{dst.name} = rt.umod({a[0]}, {a[1]});"]

    def op_len(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{dst.name} = @as(i64, @intCast({a[0]}.len));"]

    def op_index(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{{ const hl_k = rt.index({a[1]}, {a[0]}.len) orelse return rt.FALLBACK; "
                f"{self._item(dst.name, op.args[0], 'hl_k')} }}"]

    def op_newlist(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        d, t = dst.name, _ZTYPES[ir.element(dst.type).name]
        return [self.check(f"rt.new_list({t}, {a[0]}, &{d})"), f"{d}_own = true;",
                f"@memset({d}, {a[1]});"]

    def op_call(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [self.check(f"hl_fn_{op.fn}({', '.join([*a, '&' + dst.name])})")]


__all__ = ["INT", "ZigWriter", "z_type"]
