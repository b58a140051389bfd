"""Calls of the C/Zig subset: math functions, abs/min/max/len/int/float/sum, helpers."""

from __future__ import annotations

import ast

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, FLOAT, INT, Assign, Const, If, Op, Operand, Var


def _refuse(node: ast.AST, message: str) -> Exception:
    from hlopt.nativize.ir_lower import refuse

    return refuse(node, message)


def lower_call(lw, e: ast.Call) -> Operand:
    """The value of call ``e``; refuses calls outside the subset."""
    f = e.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
            and f.value.id in lw.ctx.math_modules:
        return _math(lw, f.attr, e)
    if not isinstance(f, ast.Name):
        raise _refuse(e, f"{ast.unparse(e)}: calls of methods are not in the C/Zig subset")
    if f.id in lw.ctx.math_names:
        return _math(lw, lw.ctx.math_names[f.id], e)
    if f.id in lw.ctx.analysis.helpers:
        return _helper(lw, f.id, e)
    if lw.is_builtin(f.id) and f.id in _BUILTINS:
        return _BUILTINS[f.id](lw, e)
    raise _refuse(e, f"{ast.unparse(e)}: calling {f.id}() is not in the C/Zig subset")


def _args(lw, e: ast.Call, n: int | None = None) -> list[Operand]:
    if n is not None and len(e.args) != n or any(isinstance(a, ast.Starred) for a in e.args):
        raise _refuse(e, f"{ast.unparse(e)}: unexpected arguments")
    return [lw.expr(a) for a in e.args]


def _math(lw, name: str, e: ast.Call) -> Operand:
    if name in ir.MATH1:
        (x,) = _args(lw, e, 1)
        return lw.op("math", (lw.as_float(x, e),), FLOAT, name)
    if name in ir.MATH_INT:
        (x,) = _args(lw, e, 1)
        if x.type in (INT, BOOL):
            return lw.as_int(x, e)
        return lw.op("math_int", (x,), INT, name)
    raise _refuse(e, f"math.{name}(): not in the C/Zig subset")


def _helper(lw, name: str, e: ast.Call) -> Operand:
    args = _args(lw, e)
    fn = lw.ctx.helper(name, tuple(a.type for a in args), e)  # refuses a wrong arity
    if fn.returns not in (*ir.SCALARS,):
        raise _refuse(e, f"{name}() returns {fn.returns}: helpers return int, float or bool "
                         "in the C/Zig subset")
    return lw.op("call", tuple(args), fn.returns, name)


def _len(lw, e: ast.Call) -> Operand:
    (x,) = _args(lw, e, 1)
    if not ir.is_seq(x.type):
        raise _refuse(e, f"len() of {x.type}: not in the C/Zig subset")
    return lw.op("len", (x,), INT)


def _abs(lw, e: ast.Call) -> Operand:
    (x,) = _args(lw, e, 1)
    if x.type == FLOAT:
        return lw.op("fabs", (x,), FLOAT)
    return lw.op("abs", (lw.as_int(x, e),), INT)


def _int(lw, e: ast.Call) -> Operand:
    (x,) = _args(lw, e, 1)
    return lw.op("f2i", (x,), INT) if x.type == FLOAT else lw.as_int(x, e)


def _float(lw, e: ast.Call) -> Operand:
    (x,) = _args(lw, e, 1)
    return lw.as_float(x, e)


def _bool(lw, e: ast.Call) -> Operand:
    (x,) = _args(lw, e, 1)
    return lw.truth(x)


def _minmax(lw, e: ast.Call) -> Operand:
    name = e.func.id
    op = ast.Lt() if name == "min" else ast.Gt()
    args = _args(lw, e)
    if len(args) == 1:
        from hlopt.nativize.ir_loops import reduce_minmax

        return reduce_minmax(lw, args[0], op, e)
    if len(args) < 2 or any(a.type != args[0].type or a.type not in ir.SCALARS for a in args):
        raise _refuse(e, f"{ast.unparse(e)}: {name}() of values of one scalar type only")
    result = lw.new_tmp(args[0].type)
    lw.emit(Assign(result, Op("copy", (args[0],), result.type)))
    for a in args[1:]:  # Python keeps the first of equal items
        better = lw.compare(op, a, result, e)
        lw.emit(If(better, [Assign(result, Op("copy", (a,), result.type))]))
    return result


def _sum(lw, e: ast.Call) -> Operand:
    from hlopt.nativize.ir_loops import reduce_sum

    (x,) = _args(lw, e, 1)
    if not ir.is_seq(x.type):
        raise _refuse(e, f"sum() of {x.type}: not in the C/Zig subset")
    return reduce_sum(lw, x, e)


_BUILTINS = {"len": _len, "abs": _abs, "int": _int, "float": _float, "min": _minmax,
             "max": _minmax, "sum": _sum, "bool": _bool}

__all__ = ["Const", "Var", "lower_call"]
