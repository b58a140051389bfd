"""Expressions of the C/Zig subset lowered to IR operations (a mixin of the lowerer)."""

from __future__ import annotations

import ast
import builtins

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, BYTES, FLOAT, INT, Assign, Const, If, Op, Operand, Var
from hlopt.nativize.model import NType

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_INT_OPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.FloorDiv: "floordiv",
            ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "lshift", ast.RShift: "rshift",
            ast.BitAnd: "band", ast.BitOr: "bor", ast.BitXor: "bxor", ast.Div: "truediv"}
_FLOAT_OPS = {ast.Add: "fadd", ast.Sub: "fsub", ast.Mult: "fmul", ast.Div: "fdiv",
              ast.FloorDiv: "ffloordiv", ast.Mod: "fmod", ast.Pow: "fpow"}
_CMP = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}
_MATH_CONSTS = {"pi": 3.141592653589793, "e": 2.718281828459045, "tau": 6.283185307179586,
                "inf": float("inf")}


def _refuse(node: ast.AST, message: str) -> Exception:
    from hlopt.nativize.ir_lower import refuse

    return refuse(node, message)


class ExprLowerer:
    """``expr(node) -> Operand``: emits the operations and returns where the value is."""

    def op(self, kind: str, args: tuple[Operand, ...], t: NType, fn: str = "") -> Var:
        dst = self.new_tmp(t)
        self.emit(Assign(dst, Op(kind, args, t, fn)))
        return dst

    def expr(self, e: ast.expr) -> Operand:
        method = getattr(self, "e_" + type(e).__name__, None)
        if method is None:
            raise _refuse(e, f"{ast.unparse(e)}: not in the C/Zig subset")
        return method(e)

    def e_Constant(self, e: ast.Constant) -> Operand:
        v = e.value
        if type(v) is bool:
            return Const(v, BOOL)
        if type(v) is int and INT_MIN <= v <= INT_MAX:
            return Const(v, INT)
        if type(v) is float:
            return Const(v, FLOAT)
        raise _refuse(e, f"constant {v!r}: not in the C/Zig subset")

    def e_Name(self, e: ast.Name) -> Operand:
        return self.read(e)

    def e_Attribute(self, e: ast.Attribute) -> Operand:
        if isinstance(e.value, ast.Name) and e.value.id in self.ctx.math_modules \
                and e.attr in _MATH_CONSTS:
            return Const(_MATH_CONSTS[e.attr], FLOAT)
        raise _refuse(e, f"{ast.unparse(e)}: attributes are not in the C/Zig subset")

    # --- arithmetic ----------------------------------------------------------------------

    def as_int(self, v: Operand, node: ast.AST) -> Operand:
        if v.type == BOOL:
            return self.op("b2i", (v,), INT)
        if v.type != INT:
            raise _refuse(node, f"{ast.unparse(node)}: an int is needed here")
        return v

    def as_float(self, v: Operand, node: ast.AST) -> Operand:
        if v.type == FLOAT:
            return v
        v = self.as_int(v, node)
        return Const(float(v.value), FLOAT) if isinstance(v, Const) else \
            self.op("i2f", (v,), FLOAT)

    def e_BinOp(self, e: ast.BinOp) -> Operand:
        if isinstance(e.op, ast.Mult):
            for seq, n in ((e.left, e.right), (e.right, e.left)):
                if isinstance(seq, ast.List):
                    return self.new_list(seq, n, e)
        return self.binop(e.op, self.expr(e.left), self.expr(e.right), e)

    def binop(self, op: ast.operator, a: Operand, b: Operand, e: ast.AST) -> Operand:
        for v in (a, b):
            if v.type not in ir.SCALARS:
                raise _refuse(e, f"{ast.unparse(e)}: arithmetic on {v.type} is not in the "
                                 "C/Zig subset")
        bits = (ast.BitAnd, ast.BitOr, ast.BitXor)
        if isinstance(op, bits) and a.type == b.type == BOOL:
            return self.op(_INT_OPS[type(op)], (a, b), BOOL)
        if FLOAT in (a.type, b.type):
            if type(op) not in _FLOAT_OPS:
                raise _refuse(e, f"{ast.unparse(e)}: {type(op).__name__} on floats")
            return self.op(_FLOAT_OPS[type(op)], (self.as_float(a, e), self.as_float(b, e)),
                           FLOAT)
        if type(op) not in _INT_OPS:
            raise _refuse(e, f"{ast.unparse(e)}: {type(op).__name__} is not in the C/Zig subset")
        kind = _INT_OPS[type(op)]
        return self.op(kind, (self.as_int(a, e), self.as_int(b, e)),
                       FLOAT if kind == "truediv" else INT)

    def e_UnaryOp(self, e: ast.UnaryOp) -> Operand:
        v = self.expr(e.operand)
        if isinstance(e.op, ast.Not):
            return self.op("not", (self.truth(v),), BOOL)
        if v.type == FLOAT and isinstance(e.op, ast.USub | ast.UAdd):
            return self.op("fneg", (v,), FLOAT) if isinstance(e.op, ast.USub) else v
        v = self.as_int(v, e)
        if isinstance(e.op, ast.UAdd):
            return v
        return self.op("neg" if isinstance(e.op, ast.USub) else "invert", (v,), INT)

    def truth(self, v: Operand) -> Operand:
        if v.type == BOOL:
            return v
        if v.type in (INT, FLOAT):
            return self.op("truth", (v,), BOOL)
        if ir.is_seq(v.type):
            n = self.op("len", (v,), INT)
            return self.op("truth", (n,), BOOL)
        raise _refuse(getattr(self, "node", 0), f"truth of {v.type}: not in the C/Zig subset")

    # --- comparisons and boolean logic ------------------------------------------------------

    def compare(self, op: ast.cmpop, a: Operand, b: Operand, e: ast.AST) -> Operand:
        if type(op) not in _CMP or a.type not in ir.SCALARS or b.type not in ir.SCALARS:
            raise _refuse(e, f"{ast.unparse(e)}: only ==, !=, <, <=, >, >= on numbers are in "
                             "the C/Zig subset")
        if FLOAT in (a.type, b.type):
            a, b = (self._exact_float(v, e) for v in (a, b))
        elif a.type != b.type:
            a, b = self.as_int(a, e), self.as_int(b, e)
        return self.op(_CMP[type(op)], (a, b), BOOL)

    def _exact_float(self, v: Operand, e: ast.AST) -> Operand:
        if v.type == FLOAT:
            return v
        v = self.as_int(v, e)
        if isinstance(v, Const) and abs(v.value) <= 2**53:
            return Const(float(v.value), FLOAT)
        return self.op("i2f_exact", (v,), FLOAT)

    def e_Compare(self, e: ast.Compare) -> Operand:
        left = self.expr(e.left)
        result = None
        for k, (op, right) in enumerate(zip(e.ops, e.comparators, strict=True)):
            saved = self.out
            if result is not None:
                self.out = []
            r = self.expr(right)
            c = self.compare(op, left, r, e)
            if result is None:
                result = self.new_tmp(BOOL)
                self.emit(Assign(result, Op("copy", (c,), BOOL)))
            else:
                self.emit(Assign(result, Op("copy", (c,), BOOL)))
                inner, self.out = self.out, saved
                self.emit(If(result, inner))
            left = r
            del k
        return result

    def e_BoolOp(self, e: ast.BoolOp) -> Operand:
        first = self.expr(e.values[0])
        result = self.new_tmp(first.type)
        self.emit(Assign(result, Op("copy", (first,), first.type)))
        for value in e.values[1:]:
            cond = self.truth(result)
            if isinstance(e.op, ast.Or):
                cond = self.op("not", (cond,), BOOL)
            saved, self.out = self.out, []
            v = self.expr(value)
            if v.type != result.type:
                raise _refuse(e, f"{ast.unparse(e)}: and/or of different types is not in the "
                                 "C/Zig subset")
            self.emit(Assign(result, Op("copy", (v,), v.type)))
            inner, self.out = self.out, saved
            self.emit(If(cond, inner))
        return result

    def e_IfExp(self, e: ast.IfExp) -> Operand:
        cond = self.truth(self.expr(e.test))
        saved, self.out = self.out, []
        a = self.expr(e.body)
        body = self.out
        self.out = []
        b = self.expr(e.orelse)
        orelse = self.out
        self.out = saved
        if a.type != b.type or a.type not in ir.SCALARS:
            raise _refuse(e, f"{ast.unparse(e)}: both branches must have one scalar type")
        result = self.new_tmp(a.type)
        body.append(Assign(result, Op("copy", (a,), a.type)))
        orelse.append(Assign(result, Op("copy", (b,), b.type)))
        self.emit(If(cond, body, orelse))
        return result

    # --- sequences -----------------------------------------------------------------------

    def e_Subscript(self, e: ast.Subscript) -> Operand:
        if isinstance(e.slice, ast.Slice):
            raise _refuse(e, f"{ast.unparse(e)}: slices are not in the C/Zig subset")
        seq = self.expr(e.value)
        if not ir.is_seq(seq.type):
            raise _refuse(e, f"{ast.unparse(e)}: indexing a {seq.type} is not in the subset")
        index = self.as_int(self.expr(e.slice), e)
        return self.op("index", (seq, index), ir.element(seq.type))

    def new_list(self, seq: ast.List, n: ast.expr, e: ast.AST) -> Operand:
        if len(seq.elts) != 1:
            raise _refuse(e, f"{ast.unparse(e)}: only [value] * n lists are in the subset")
        item = self.expr(seq.elts[0])
        if item.type not in ir.SCALARS:
            raise _refuse(e, f"{ast.unparse(e)}: a list of {item.type}")
        count = self.as_int(self.expr(n), e)
        return self.op("newlist", (count, item), NType("list", (item.type,)))

    # --- calls ---------------------------------------------------------------------------

    def e_Call(self, e: ast.Call) -> Operand:
        from hlopt.nativize.ir_calls import lower_call

        if e.keywords:
            raise _refuse(e, f"{ast.unparse(e)}: keyword arguments are not in the C/Zig subset")
        return lower_call(self, e)

    def is_builtin(self, name: str) -> bool:
        a = self.ctx.analysis
        return hasattr(builtins, name) and name not in self.env and name not in a.helpers \
            and name not in a.globals_read and name not in self.ctx.constants


__all__ = ["BYTES", "ExprLowerer"]
