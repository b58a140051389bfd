"""Result types of calls and iterations, for the expression typer of infer.py."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from hlopt.nativize import types as T
from hlopt.nativize.model import OBJECT, NType

if TYPE_CHECKING:
    from hlopt.nativize.infer import Typer

_NUM = ("int", "float", "bool")


def call_type(typer: Typer, e: ast.Call) -> NType | None:
    """The result type of a call to a builtin, a math function or a str/list/dict method."""
    from hlopt.nativize.infer import _STR_TO_BOOL, _STR_TO_INT, _STR_TO_STR, MATH_FLOAT, MATH_INT

    if e.keywords or any(isinstance(a, ast.Starred) for a in e.args):
        return OBJECT
    args = [typer.type(a) for a in e.args]
    if any(a is None for a in args):
        return None
    f = e.func
    math_name = _math_function(typer, f)
    if math_name:
        if not all(a.name in _NUM for a in args):
            return OBJECT
        if math_name in MATH_FLOAT:
            return T.FLOAT
        return T.INT if math_name in ("floor", "ceil", "trunc") and len(args) == 1 else OBJECT
    if isinstance(f, ast.Name) and f.id not in typer.env and f.id not in typer.constants \
            and f.id not in typer.shadowed:
        return _builtin(f.id, args)
    if isinstance(f, ast.Attribute):
        base = typer.type(f.value)
        if base is None:
            return None
        if base.name == "str":
            if f.attr in _STR_TO_STR:
                return T.STR
            if f.attr in _STR_TO_BOOL:
                return T.BOOL
            if f.attr in _STR_TO_INT:
                return T.INT
            if f.attr in ("split", "rsplit", "splitlines"):
                return NType("list", (T.STR,))
            if f.attr in ("partition", "rpartition"):
                return NType("tuple", (T.STR, T.STR, T.STR))
        if base.name == "list" and f.attr == "pop" and not (
                isinstance(f.value, ast.Name) and f.value.id in typer.weak):
            return T.element(base) if T.is_known(T.element(base)) else OBJECT
    del MATH_INT
    return OBJECT


def _math_function(typer: Typer, f: ast.AST) -> str | None:
    if isinstance(f, ast.Name) and f.id in typer.math and f.id not in typer.env:
        return typer.math[f.id]
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
            and f.value.id + "." in typer.math and f.value.id not in typer.env:
        return f.attr
    return None


def _builtin(name: str, args: list[NType]) -> NType:  # noqa: C901 - one table
    n = len(args)
    names = [a.name for a in args]
    if name == "len" and n == 1:
        return T.INT
    if name == "abs" and n == 1 and names[0] in _NUM:
        return T.FLOAT if names[0] == "float" else T.INT
    if name in ("min", "max") and n >= 2 and len(set(names)) == 1 and names[0] in _NUM:
        return args[0]
    if name in ("min", "max") and n == 1 and args[0].name == "list":
        el = T.element(args[0])
        return el if el.name in _NUM else OBJECT
    if name == "int" and n == 1 and names[0] in _NUM + ("str",):
        return T.INT
    if name == "float" and n == 1 and names[0] in _NUM:
        return T.FLOAT
    if name == "round" and n == 1 and names[0] in _NUM:
        return T.INT
    if name == "bool" and n == 1:
        return T.BOOL
    if name == "str" and n == 1 and names[0] in _NUM + ("str",):
        return T.STR
    if name == "ord" and n == 1 and names[0] == "str":
        return T.INT
    if name == "chr" and n == 1 and names[0] in ("int", "bool"):
        return T.STR
    if name == "sum" and n == 1 and args[0].name == "list" \
            and T.element(args[0]).name in ("int", "bool"):
        return T.INT
    if name == "sum" and n == 1 and args[0].name == "list" and T.element(args[0]) == T.FLOAT:
        return NType("int|float")  # 0 (an int) for an empty list
    if name == "list" and n == 1:
        return _list_of(args[0])
    if name == "divmod" and n == 2 and set(names) <= {"int", "bool"}:
        return NType("tuple", (T.INT, T.INT))
    if name in ("range", "enumerate", "zip", "reversed"):
        return NType(name)  # iterables only; typed where iterated
    if name == "isinstance":
        return T.BOOL
    return OBJECT


def _list_of(t: NType) -> NType:
    if t.name in ("list", "set", "frozenset"):
        return NType("list", t.args)
    if t.name == "str":
        return NType("list", (T.STR,))
    if t.name in ("bytes", "bytearray", "range"):
        return NType("list", (T.INT,))
    return NType("list")


def iter_type(typer: Typer, it: ast.AST) -> NType | None:
    """The type of each item of ``for x in it``."""
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
            and it.func.id not in typer.env and it.func.id not in typer.shadowed \
            and not it.keywords:
        name, args = it.func.id, it.args
        if name == "range":
            ts = [typer.type(a) for a in args]
            if any(t is None for t in ts):
                return None
            return T.INT if ts and all(t.name in ("int", "bool") for t in ts) else OBJECT
        if name == "enumerate" and (len(args) == 1 or (len(args) == 2 and typer.type(
                args[1]) is not None and typer.type(args[1]).name == "int")):
            inner = iter_type(typer, args[0])
            return None if inner is None else NType("tuple", (T.INT, inner))
        if name == "zip" and args:
            inner = [iter_type(typer, a) for a in args]
            return None if any(i is None for i in inner) else NType("tuple", tuple(inner))
        if name == "reversed" and len(args) == 1:
            return iter_type(typer, args[0])
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args:
        base = typer.type(it.func.value)
        if base is None:
            return None
        if isinstance(it.func.value, ast.Name) and it.func.value.id in typer.weak:
            return OBJECT
        if base.name == "dict" and len(base.args) == 2:
            k, v = base.args
            pick = {"keys": k, "values": v, "items": NType("tuple", (k, v))}.get(it.func.attr)
            if pick is not None:
                return pick if T.is_known(pick) else OBJECT
    t = typer.type(it)
    if t is None:
        return None
    if isinstance(it, ast.Name) and it.id in typer.weak and t.args:
        t = NType(t.name)
    if t.name in ("list", "set", "frozenset"):
        el = T.element(t)
        return el if T.is_known(el) else OBJECT
    if t.name == "str":
        return T.STR
    if t.name in ("bytes", "bytearray"):
        return T.INT
    if t.name == "dict" and t.args and T.is_known(t.args[0]):
        return t.args[0]
    if t.name == "tuple" and t.args and t.args[-1].name == "...":
        return t.args[0]
    return OBJECT
