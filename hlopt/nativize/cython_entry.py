"""The Python-visible entry of a generated module: type guards, conversions, fallback, bind."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from hlopt.nativize.model import OBJECT, Analysis, NType, Typing

if TYPE_CHECKING:
    from hlopt.nativize.cython_plan import Plan

_EXACT = {"int", "float", "bool", "str", "bytes", "bytearray", "list", "dict", "tuple", "set",
          "frozenset", "complex"}


def _signature(func: ast.FunctionDef) -> tuple[str, list[str], list[str]]:
    """The entry's parameter list (defaults become a sentinel), positional and keyword names."""
    a = func.args
    positional = [p.arg for p in a.posonlyargs + a.args]
    first_default = len(positional) - len(a.defaults)
    parts = []
    for k, name in enumerate(positional):
        parts.append(f"{name}=_hl_MISSING" if k >= first_default else name)
        if a.posonlyargs and k == len(a.posonlyargs) - 1:
            parts.append("/")
    kwonly = [p.arg for p in a.kwonlyargs]
    if kwonly:
        parts.append("*")
        parts += [f"{p.arg}=_hl_MISSING" if d is not None else p.arg
                  for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
    return ", ".join(parts), positional, kwonly


def _guard(name: str, t: NType) -> str | None:
    if t.name in _EXACT:
        return f"type({name}) is {t.name}"
    if t.name == "None":
        return f"{name} is None"
    return None


def entry_source(analysis: Analysis, func: ast.FunctionDef, pl: Plan, typing: Typing,
                 rtype: str | None) -> str:
    """``def name(...)``: check the argument types, convert, call the core, fall back."""
    from hlopt.nativize.cython_runtime import PPTR, PTR

    sig, positional, kwonly = _signature(func)
    call_py = "_hl_py(" + ", ".join(positional + [f"{k}={k}" for k in kwonly]) + ")"
    defaults = [n for n in positional + kwonly if f"{n}=_hl_MISSING" in sig]
    lines = [f"def {analysis.target.name}({sig}):"]
    body = [f"if {n} is _hl_MISSING:\n    {n} = _hl_dflt[{n!r}]" for n in defaults]
    guards = [g for n in typing.params if (g := _guard(n, typing.params[n]))]
    if guards:
        body.append(f"if not ({' and '.join(guards)}):\n    return {call_py}")
    arrays = {n: a for n, a in pl.arrays.items() if a.param and not a.view}
    views = [n for n, a in pl.arrays.items() if a.param and a.view]
    body += _alias_guards(arrays, typing, call_py)
    decl = {"_hl_ok": "cython.bint", "_hl_ran": "cython.bint"}
    for n, a in arrays.items():
        decl[f"_hl_a_{n}"] = "cython.p_const_uchar" if a.kind == "u8" else (
            PPTR if a.dims == 2 else PTR)[a.kind]
        decl[f"_hl_n_{n}"] = "cython.Py_ssize_t"
    for n in views:
        decl[f"_hl_n_{n}"] = "cython.Py_ssize_t"
    if rtype:
        decl["_hl_r"] = rtype
    head = "@cython.locals(" + ", ".join(f"{k}={v}" for k, v in decl.items()) + ")"
    body += ["_hl_ok = True", "_hl_ran = False", "_hl_r = None" if not rtype else "_hl_r = 0"]
    body += [f"_hl_a_{n} = cython.NULL" for n, a in arrays.items() if a.kind != "u8"]
    body += [f"_hl_n_{n} = len({n})" for n in views]
    conv = _conversions(arrays)
    args = []
    for n in typing.params:
        if n in arrays:
            args += [f"_hl_a_{n}", f"_hl_n_{n}"]
        elif n in views:
            args += [n, f"_hl_n_{n}"]
        else:
            args.append(n)
    call = f"_hl_r = _hl_core({', '.join(args)})"
    if pl.fallback_safe:
        call = f"try:\n    {call}\nexcept OverflowError:\n    _hl_ok = False"
    run = f"if _hl_ok:\n    _hl_ran = True\n{_indent(call)}"
    attempt = "try:\n" + _indent("\n".join(conv)) + "\nexcept OverflowError:\n    _hl_ok = False" \
        if conv else ""
    back = [f"if _hl_ran and _hl_ok and _hl_a_{n} != cython.NULL:\n"
            f"    _hl_back_{a.kind}({n}, _hl_a_{n}, _hl_n_{n})"
            for n, a in arrays.items() if a.mutated]
    frees = [f"_hl_c_free(_hl_a_{n})" for n, a in arrays.items() if a.kind != "u8"]
    inner = "\n".join(x for x in (attempt, run) if x)
    if back or frees:
        inner = "try:\n" + _indent(inner) + "\nfinally:\n" + _indent("\n".join(back + frees))
    body += [inner, f"if not _hl_ok:\n    return {call_py}", "return _hl_r"]
    return "\n".join([head, *lines, _indent("\n".join(body))])


def _alias_guards(arrays: dict, typing: Typing, call_py: str) -> list[str]:
    """A mutated array argument that is also another argument: Python sees both change."""
    out = []
    lists = [n for n, t in typing.params.items() if t.name in ("list", "bytearray", "dict")]
    for n, a in arrays.items():
        if a.mutated:
            for other in lists:
                if other != n:
                    out.append(f"if {n} is {other}:\n    return {call_py}")
    return out


def _conversions(arrays: dict) -> list[str]:
    out = []
    for n, a in arrays.items():
        out.append(f"_hl_n_{n} = len({n})")
        if a.kind == "u8":
            out.append(f"_hl_a_{n} = {n}")
            continue
        fn = f"_hl_conv{'2' if a.dims == 2 else ''}_{a.kind}"
        out.append(f"if _hl_ok:\n    _hl_a_{n} = {fn}({n}, _hl_n_{n})\n"
                   f"    _hl_ok = _hl_a_{n} != cython.NULL")
    return out


def needed_helpers(pl: Plan) -> set[str]:
    out = set()
    for a in pl.arrays.values():
        if a.param and a.kind != "u8" and not a.view:
            out.add(f"_hl_conv{'2' if a.dims == 2 else ''}_{a.kind}")
            if a.mutated:
                out.add(f"_hl_back_{a.kind}")
    return out


def bind_source(analysis: Analysis) -> str:
    name = analysis.target.name
    return f'''def _hlopt_bind(pyfunc):
    """Keep ``pyfunc`` as the fallback and return the native {name}."""
    global _hl_py, _hl_g, _hl_dflt
    func = getattr(pyfunc, "__func__", pyfunc)
    _hl_py = func
    _hl_g = func.__globals__
    _hl_dflt = dict(getattr(func, "__kwdefaults__", None) or {{}})
    code = func.__code__
    names = code.co_varnames[:code.co_argcount]
    for name, value in zip(names[len(names) - len(func.__defaults__ or ()):],
                           func.__defaults__ or ()):
        _hl_dflt[name] = value
    return staticmethod({name}) if isinstance(pyfunc, staticmethod) else {name}'''


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())


__all__ = ["OBJECT", "bind_source", "entry_source", "needed_helpers"]
