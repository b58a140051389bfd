"""Print one IR function as C: statements, operations with status checks, cleanup."""

from __future__ import annotations

import math

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, BYTES, FLOAT, INT, Const, Op, Operand, Var
from hlopt.nativize.model import NType

_CTYPES = {"int": "int64_t", "float": "double", "bool": "int"}
_PURE2 = {"fadd": "+", "fsub": "-", "fmul": "*", "band": "&", "bor": "|", "bxor": "^",
          "add_safe": "+",
          "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_CHECKED2 = {"add": "hl_add", "sub": "hl_sub", "mul": "hl_mul", "floordiv": "hl_floordiv",
             "mod": "hl_mod", "pow": "hl_ipow", "lshift": "hl_lshift", "rshift": "hl_rshift",
             "truediv": "hl_truediv", "fdiv": "hl_fdiv", "ffloordiv": "hl_ffloordiv",
             "fmod": "hl_fmod", "fpow": "hl_fpow"}
_CHECKED1 = {"neg": "hl_neg", "abs": "hl_abs", "i2f_exact": "hl_i2f_exact", "f2i": "hl_f2i"}
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


class CWriter:
    def __init__(self, fn: ir.Function) -> None:
        self.fn = fn
        self.loops = 0
        #: list parameters read in place (PyObject *const * items, checked one by one)
        self.views = ir.list_views(fn)

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

    def block(self, body: list[ir.Stmt], depth: int) -> list[str]:
        out = []
        for s in body:
            out += [("    " * depth) + line for line in self.stmt(s, depth)]
        return out

    def stmt(self, s: ir.Stmt, depth: int) -> list[str]:  # noqa: C901 - one dispatch
        if isinstance(s, ir.Assign):
            return self.assign(s.dst, s.op)
        if isinstance(s, ir.Store) and not s.checked:  # in range (ir_bounds)
            return [f"{s.seq.name}[{self.val(s.index)}] = {self.val(s.value)};"]
        if isinstance(s, ir.Store):
            k = self._index(s.seq, s.index)
            return [f"{{ Py_ssize_t hl_k = {k}; if (hl_k < 0) {{ hl_st = HL_FALLBACK; goto "
                    f"hl_end; }} {s.seq.name}[hl_k] = {self.val(s.value)}; }}"]
        if isinstance(s, ir.If):
            out = [f"if ({self.val(s.cond)}) {{", *self.block(s.body, 1)]
            if s.orelse:
                out += ["} else {", *self.block(s.orelse, 1)]
            return [*out, "}"]
        if isinstance(s, ir.Loop):
            return ["for (;;) {", *self.block(s.body, 1), "}"]
        if isinstance(s, ir.ForRange):
            return self.for_range(s)
        if isinstance(s, ir.ForEach):
            return self.for_each(s)
        if isinstance(s, ir.Break):
            return ["break;"]
        if isinstance(s, ir.Continue):
            return ["continue;"]
        if isinstance(s, ir.Return):
            return self.ret(s)
        if isinstance(s, ir.Raise):
            return [f"hl_st = hl_raise(PyExc_{s.exc}, {_str(s.message)});", "goto hl_end;"]
        if isinstance(s, ir.Fallback):
            return [f"hl_st = HL_FALLBACK; /* {s.why} */", "goto hl_end;"]
        raise AssertionError(s)

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

    def val(self, v: Operand) -> str:
        return c_const(v) if isinstance(v, Const) else v.name

    def _index(self, seq: Var, index: Operand) -> str:
        return f"hl_index({self.val(index)}, {seq.name}_n)"

    def _item(self, dst: str, seq: str, k: str) -> str:
        """``dst = seq[k]`` for an index known to be in range."""
        if seq in self.views:
            return f"if ((hl_st = hl_item_float({seq}[{k}], &{dst})) != HL_OK) goto hl_end;"
        return f"{dst} = {seq}[{k}];"

    def assign(self, dst: Var, op: Op) -> list[str]:  # noqa: C901 - one dispatch
        a = [self.val(x) for x in op.args]
        d, k = dst.name, op.kind
        check = "if ((hl_st = {}) != HL_OK) goto hl_end;"
        if k == "copy":
            if ir.is_seq(dst.type):
                src = op.args[0].name
                return [f"{d} = {src}; {d}_n = {src}_n; {src} = NULL;"]
            return [f"{d} = {a[0]};"]
        if k in _PURE2:
            return [f"{d} = {a[0]} {_PURE2[k]} {a[1]};"]
        if k in _CHECKED2:
            return [check.format(f"{_CHECKED2[k]}({a[0]}, {a[1]}, &{d})")]
        if k in _CHECKED1:
            return [check.format(f"{_CHECKED1[k]}({a[0]}, &{d})")]
        simple = {"not": f"!{a[0]}" if a else "", "truth": f"({a[0]} != 0)" if a else "",
                  "b2i": f"(int64_t){a[0]}" if a else "", "i2f": f"(double){a[0]}" if a else "",
                  "fneg": f"-{a[0]}" if a else "", "fabs": f"fabs({a[0]})" if a else "",
                  "invert": f"~{a[0]}" if a else ""}
        if k in simple:
            return [f"{d} = {simple[k]};"]
        if k == "index_ok":  # in range (ir_bounds)
            return [self._item(d, a[0], a[1])]
        if k == "udiv":  # a >= 0, a constant > 0 (ir_signs)
            return [f"{d} = (int64_t)((uint64_t){a[0]} / (uint64_t){a[1]});"]
        if k == "umod":
            return [f"{d} = hl_umod({a[0]}, {a[1]});"]
        if k == "len":
            return [f"{d} = (int64_t){op.args[0].name}_n;"]
        if k == "index":
            return [f"{{ Py_ssize_t hl_k = {self._index(op.args[0], op.args[1])}; if (hl_k < 0)"
                    f" {{ hl_st = HL_FALLBACK; goto hl_end; }} {self._item(d, a[0], 'hl_k')} }}"]
        if k == "math":
            return [f"{d} = {op.fn}({a[0]});", check.format(f"hl_math_ok({d}, {a[0]})")]
        if k == "math_int":
            return [check.format(f"hl_f2i({op.fn}({a[0]}), &{d})")]
        if k == "newlist":
            return [f"{d}_n = (Py_ssize_t){a[0]};",
                    check.format(f"hl_new_list(&{d}_n, sizeof({d}[0]), (void **)&{d})"),
                    f"for (Py_ssize_t hl_k = 0; hl_k < {d}_n; hl_k++) {d}[hl_k] = {a[1]};"]
        if k == "call":
            args = []
            for x in op.args:
                args += [x.name, f"{x.name}_n"] if ir.is_seq(x.type) else [self.val(x)]
            return [check.format(f"hl_fn_{op.fn}({', '.join([*args, '&' + d])})")]
        raise AssertionError(k)


def _str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


__all__ = ["CWriter", "INT", "c_type"]
