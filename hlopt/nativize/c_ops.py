"""Print one IR function as C: statements, operations with status checks, cleanup."""

from __future__ import annotations

import math

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, BYTES, FLOAT, INT, Const, Op, Operand, Var
from hlopt.nativize.ir_emit import IRWriter, quote
from hlopt.nativize.model import NType

_CTYPES = {"int": "int64_t", "float": "double", "bool": "int"}
_RET = {"int": "hl_ret_int", "float": "hl_ret_float", "bool": "hl_ret_bool"}


def c_type(t: NType) -> str:
    if t == BYTES:
        return "const unsigned char *"
    if ir.is_list(t):  # a list[bool] takes a byte per item, as a person writes a sieve
        return {FLOAT: "double *", BOOL: "unsigned char *"}.get(ir.element(t), "int64_t *")
    return _CTYPES[t.name]


def c_const(c: Const) -> str:
    v = c.value
    if c.type == BOOL or type(v) is bool:
        return "1" if v else "0"
    if c.type == INT:
        return "(-INT64_MAX - 1)" if v == -(2**63) else f"INT64_C({v})"
    if math.isnan(v):
        return "NAN"
    if math.isinf(v):
        return "HUGE_VAL" if v > 0 else "(-HUGE_VAL)"
    return f"{float(v).hex()} /* {v!r} */"


def _decl(name: str, t: NType) -> list[str]:
    if ir.is_seq(t):
        return [f"{c_type(t)}{name} = NULL;", f"Py_ssize_t {name}_n = 0;"]
    return [f"{c_type(t)} {name} = 0;"]


class CWriter(IRWriter):
    LOOP = "for (;;)"
    RT = "hl_"
    SIMPLE = {"not": "!{0}", "truth": "({0} != 0)", "b2i": "(int64_t){0}", "i2f": "(double){0}",
              "fneg": "-{0}", "fabs": "fabs({0})", "invert": "~{0}"}

    def _params(self) -> list[str]:
        out = []
        for p in self.fn.params:
            if p.name in self.views:
                out += [f"PyObject *const *{p.name}", f"Py_ssize_t {p.name}_n"]
            elif ir.is_seq(p.type):
                const = "const " if p.type != BYTES else ""
                out += [f"{const}{c_type(p.type)}{p.name}", f"Py_ssize_t {p.name}_n"]
            else:
                out.append(f"{c_type(p.type)} {p.name}")
        out.append("PyObject **hl_out" if self.fn.entry else f"{c_type(self.fn.returns)} *hl_out"
                   if self.fn.returns != ir.NONE else "int *hl_out")
        return out

    def prototype(self) -> str:
        return f"static int hl_fn_{self.fn.name}({', '.join(self._params())})"

    def function(self) -> str:
        decls = [d for n, t in self.fn.locals.items() for d in _decl(n, t)]
        owned = [n for n, t in self.fn.locals.items() if ir.is_list(t)]
        lines = [self.prototype() + " {", "    int hl_st = HL_OK;", *("    " + d for d in decls)]
        lines += self.block(self.fn.body, 1)
        lines += ["hl_end:", *(f"    free({n});" for n in owned), "    return hl_st;", "}"]
        return "\n".join(lines)

    # --- statements ----------------------------------------------------------------------

    def store(self, s: ir.Store) -> list[str]:
        if not s.checked:  # in range (ir_bounds)
            return [f"{s.seq.name}[{self.val(s.index)}] = {self.val(s.value)};"]
        k = self._index(s.seq, s.index)
        return [f"{{ Py_ssize_t hl_k = {k}; if (hl_k < 0) {{ hl_st = HL_FALLBACK; goto "
                f"hl_end; }} {s.seq.name}[hl_k] = {self.val(s.value)}; }}"]

    def raise_(self, s: ir.Raise) -> list[str]:
        return [f"hl_st = hl_raise(PyExc_{s.exc}, {quote(s.message)});", "goto hl_end;"]

    def fallback(self, s: ir.Fallback) -> list[str]:
        return [f"hl_st = HL_FALLBACK; /* {s.why} */", "goto hl_end;"]

    def for_range(self, s: ir.ForRange) -> list[str]:
        """A step of 1 or -1 counts to the stop (no overflow possible); any other step
        runs len(range(...)) times, the counter stepping in unsigned arithmetic."""
        self.loops += 1
        k, stop, step = f"hl_i{self.loops}", f"hl_stop{self.loops}", f"hl_step{self.loops}"
        n = f"hl_n{self.loops}"
        unit = isinstance(s.step, Const) and s.step.value in (1, -1)
        out = [f"{{ int64_t {stop} = {self.val(s.stop)}" + ("" if unit else
                                                            f", {step} = {self.val(s.step)}")
               + ";"]
        if isinstance(s.step, Const) and s.step.value == 0:
            return [*out, "hl_st = HL_FALLBACK; goto hl_end; }"]
        if unit:
            cond, nxt = (f"{k} < {stop}", f"{k}++") if s.step.value == 1 else \
                (f"{k} > {stop}", f"{k}--")
            head = f"  for (int64_t {k} = {self.val(s.start)}; {cond}; {nxt}) {{"
        else:
            if not isinstance(s.step, Const):
                out.append(f"  if ({step} == 0) {{ hl_st = HL_FALLBACK; goto hl_end; }}")
            out += [f"  int64_t {k} = {self.val(s.start)};",
                    f"  uint64_t {n} = hl_range_len({k}, {stop}, {step});"]
            head = (f"  for (; {n} > 0; {n}--, {k} = (int64_t)((uint64_t){k} + "
                    f"(uint64_t){step})) {{")
        return [*out, head, f"    {s.var.name} = {k};", *self.block(s.body, 2), "  }", "}"]

    def for_each(self, s: ir.ForEach) -> list[str]:
        self.loops += 1
        k, n = f"hl_i{self.loops}", f"hl_n{self.loops}"
        lens = [f"{q.name}_n" for q in s.seqs]
        out = [f"{{ Py_ssize_t {n} = {lens[0]};"]
        out += [f"  if ({ln} < {n}) {n} = {ln};" for ln in lens[1:]]
        out.append(f"  for (Py_ssize_t {k} = 0; {k} < {n}; {k}++) {{")
        out += [f"    {self._item(v.name, q.name, k)}" for v, q in zip(s.vars, s.seqs,
                                                                    strict=True)]
        if s.index is not None:
            out.append(f"    {s.index.name} = (int64_t){k} + INT64_C({s.start});")
        return [*out, *self.block(s.body, 2), "  }", "}"]

    def ret(self, s: ir.Return) -> list[str]:
        if not self.fn.entry:
            return ([f"*hl_out = {self.val(s.values[0])};"] if s.values else []) + \
                ["goto hl_end;"]
        if not s.values:
            return ["*hl_out = hl_ret_none();", "goto hl_end;"]
        if s.tuple:
            items = ", ".join(self.boxed(v) for v in s.values)
            obj = f"({{ PyObject *hl_items[] = {{{items}}}; " \
                  f"hl_ret_tuple({len(s.values)}, hl_items); }})"
        else:
            obj = self.boxed(s.values[0])
        return [f"*hl_out = {obj};", "if (*hl_out == NULL) hl_st = HL_ERROR;", "goto hl_end;"]

    def boxed(self, v: Operand) -> str:
        if ir.is_list(v.type):
            kind = ir.element(v.type).name
            kind = "bool8" if kind == "bool" else kind
            return f"hl_ret_list_{kind}({v.name}, {v.name}_n)"
        return f"{_RET[v.type.name]}({self.val(v)})"

    # --- operations ----------------------------------------------------------------------

    def const(self, c: Const) -> str:
        return c_const(c)

    def check(self, call: str) -> str:
        return f"if ((hl_st = {call}) != HL_OK) goto hl_end;"

    def _index(self, seq: Var, index: Operand) -> str:
        return f"hl_index({self.val(index)}, {seq.name}_n)"

    def _item(self, dst: str, seq: str, k: str) -> str:
        """``dst = seq[k]`` for an index known to be in range."""
        if seq in self.views:
            return (f"if ((hl_st = hl_item_{self.views[seq]}({seq}[{k}], &{dst})) != HL_OK) "
                    "goto hl_end;")
        return f"{dst} = {seq}[{k}];"

    def op_copy(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        d = dst.name
        if ir.is_seq(dst.type):
            src = op.args[0].name
            return [f"{d} = {src}; {d}_n = {src}_n; {src} = NULL;"]
        return [f"{d} = {a[0]};"]

    def op_index_ok(self, dst: Var, op: Op, a: list[str]) -> list[str]:  # in range (ir_bounds)
        return [self._item(dst.name, a[0], a[1])]

    def op_udiv(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        """a >= 0, a constant > 0 (ir_signs)"""
        return [f"{dst.name} = (int64_t)((uint64_t){a[0]} / (uint64_t){a[1]});"]

    def op_umod(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{dst.name} = hl_umod({a[0]}, {a[1]});"]

    def op_len(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{dst.name} = (int64_t){op.args[0].name}_n;"]

    def op_index(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        return [f"{{ Py_ssize_t hl_k = {self._index(op.args[0], op.args[1])}; if (hl_k < 0)"
                f" {{ hl_st = HL_FALLBACK; goto hl_end; }} {self._item(dst.name, a[0], 'hl_k')} }}"]

    def op_newlist(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        d = dst.name
        return [f"{d}_n = (Py_ssize_t){a[0]};",
                self.check(f"hl_new_list(&{d}_n, sizeof({d}[0]), (void **)&{d})"),
                f"for (Py_ssize_t hl_k = 0; hl_k < {d}_n; hl_k++) {d}[hl_k] = {a[1]};"]

    def op_call(self, dst: Var, op: Op, a: list[str]) -> list[str]:
        args = []
        for x in op.args:
            args += [x.name, f"{x.name}_n"] if ir.is_seq(x.type) else [self.val(x)]
        return [self.check(f"hl_fn_{op.fn}({', '.join([*args, '&' + dst.name])})")]


__all__ = ["CWriter", "INT", "c_type"]
