"""What the C and Zig printers share: the walk over IR statements, the dispatch of
operations and the tables of pure and checked operations. A printer spells each piece
in its language (c_ops.CWriter, zig_ops.ZigWriter); the meaning lives in the IR."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from hlopt.nativize import ir
from hlopt.nativize.cython_gen import module_name
from hlopt.nativize.hashing import source_hash
from hlopt.nativize.ir import Const, Op, Operand, Var
from hlopt.nativize.ir_lower import lower
from hlopt.nativize.model import Analysis, Generated, Typing

#: operations that cannot fail, printed infix
PURE2 = {"fadd": "+", "fsub": "-", "fmul": "*", "band": "&", "bor": "|", "bxor": "^",
         "add_safe": "+",
         "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
#: operations that can fail (overflow, ZeroDivisionError, ...): the runtime helper's name,
#: ``hl_<name>`` in native/hlopt_rt.h and ``rt.<name>`` in native/hlopt_rt.zig
CHECKED2 = {"add": "add", "sub": "sub", "mul": "mul", "floordiv": "floordiv", "mod": "mod",
            "pow": "ipow", "lshift": "lshift", "rshift": "rshift", "truediv": "truediv",
            "fdiv": "fdiv", "ffloordiv": "ffloordiv", "fmod": "fmod", "fpow": "fpow"}
CHECKED1 = {"neg": "neg", "abs": "abs", "i2f_exact": "i2f_exact", "f2i": "f2i"}


def quote(text: str) -> str:
    """A string literal both C and Zig read."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass(frozen=True)
class Unit:
    """A function lowered for a native backend, with what its module records about it."""

    analysis: Analysis
    module: ir.Module
    #: the extension module's name
    name: str
    #: the Python source's hash, for --check
    hashed: str
    #: (parameter or "return", type) pairs the module exposes in __hlopt__["typing"]
    typing: list[tuple[str, str]]

    @classmethod
    def lower(cls, analysis: Analysis, typing: Typing) -> Unit:
        """Raises ir_lower.Refused outside the subset."""
        mod = lower(analysis, typing)
        pairs = [(k, str(v)) for k, v in typing.params.items()]
        return cls(analysis, mod, module_name(analysis), source_hash(analysis),
                   [*pairs, ("return", str(mod.target.returns))])

    def generated(self, backend: str, parts: list[str], suffix: str) -> Generated:
        label = {"c": "C", "zig": "Zig"}[backend]
        return Generated(backend=backend, module_name=self.name,
                         source="\n\n".join(parts) + "\n", suffix=suffix,
                         source_hash=self.hashed,
                         notes=[f"{label} backend: {len(self.module.helpers)} helper(s) "
                                "compiled along"])


class IRWriter(ABC):
    """Prints one IR function; subclasses give the spelling."""

    #: the endless loop's head
    LOOP = "for (;;)"
    #: how a runtime helper is named: prefix + CHECKED name
    RT = "hl_"
    #: how a libm function (math.exp, ...) is named: prefix + name
    LIBM = ""
    #: unary operations: a format of the operand
    SIMPLE: dict[str, str] = {}

    def __init__(self, fn: ir.Function) -> None:
        self.fn = fn
        self.loops = 0
        #: list parameters read in place (the Python list's items, checked one by one):
        #: name -> the item's type ("float" or "int")
        views = ir.list_views(fn)
        self.views = {p.name: ir.element(p.type).name for p in fn.params if p.name in views}

    # --- statements ----------------------------------------------------------------------

    def reachable(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        return body

    def block(self, body: list[ir.Stmt], depth: int) -> list[str]:
        out = []
        for s in self.reachable(body):
            out += [("    " * depth) + line for line in self.stmt(s)]
        return out

    def stmt(self, s: ir.Stmt) -> list[str]:
        if isinstance(s, ir.Assign):
            return self.assign(s.dst, s.op)
        if isinstance(s, ir.If):
            out = [f"if ({self.val(s.cond)}) {{", *self.block(s.body, 1)]
            if s.orelse:
                out += ["} else {", *self.block(s.orelse, 1)]
            return [*out, "}"]
        if isinstance(s, ir.Loop):
            return [f"{self.LOOP} {{", *self.block(s.body, 1), "}"]
        if isinstance(s, ir.Break):
            return ["break;"]
        if isinstance(s, ir.Continue):
            return ["continue;"]
        printers = {ir.Store: self.store, ir.ForRange: self.for_range,
                    ir.ForEach: self.for_each, ir.Return: self.ret, ir.Raise: self.raise_,
                    ir.Fallback: self.fallback}
        return printers[type(s)](s)

    @abstractmethod
    def store(self, s: ir.Store) -> list[str]:
        ...

    @abstractmethod
    def for_range(self, s: ir.ForRange) -> list[str]:
        ...

    @abstractmethod
    def for_each(self, s: ir.ForEach) -> list[str]:
        ...

    @abstractmethod
    def ret(self, s: ir.Return) -> list[str]:
        ...

    @abstractmethod
    def raise_(self, s: ir.Raise) -> list[str]:
        ...

    @abstractmethod
    def fallback(self, s: ir.Fallback) -> list[str]:
        ...

    # --- operations ----------------------------------------------------------------------

    @abstractmethod
    def const(self, c: Const) -> str:
        ...

    def val(self, v: Operand) -> str:
        return self.const(v) if isinstance(v, Const) else v.name

    @abstractmethod
    def check(self, call: str) -> str:
        """``call`` returns a status: pass anything but OK up."""
        ...

    def pure2(self, dst: Var, op: Op, a: list[str]) -> str:
        return f"{dst.name} = {a[0]} {PURE2[op.kind]} {a[1]};"

    def assign(self, dst: Var, op: Op) -> list[str]:
        a = [self.val(x) for x in op.args]
        d, k = dst.name, op.kind
        if k in PURE2:
            return [self.pure2(dst, op, a)]
        if k in CHECKED2:
            return [self.check(f"{self.RT}{CHECKED2[k]}({a[0]}, {a[1]}, &{d})")]
        if k in CHECKED1:
            return [self.check(f"{self.RT}{CHECKED1[k]}({a[0]}, &{d})")]
        if k in self.SIMPLE:
            return [f"{d} = {self.SIMPLE[k].format(*a)};"]
        if k == "math":
            return [f"{d} = {self.LIBM}{op.fn}({a[0]});",
                    self.check(f"{self.RT}math_ok({d}, {a[0]})")]
        if k == "math_int":
            return [self.check(f"{self.RT}f2i({self.LIBM}{op.fn}({a[0]}), &{d})")]
        printer = getattr(self, f"op_{k}", None)
        if printer is None:
            raise AssertionError(k)
        return printer(dst, op, a)


__all__ = ["CHECKED1", "CHECKED2", "PURE2", "IRWriter", "Unit", "quote"]
