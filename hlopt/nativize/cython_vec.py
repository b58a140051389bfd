"""Growable local lists as C buffers: allocate, alias, append and free with Python's meaning.

A growable array ``x`` is three C variables: ``x`` (the buffer), ``_hl_n_x`` (its length)
and ``_hl_c_x`` (its capacity). Names that hold one buffer are one Python list: an append
through one updates every name holding that buffer. A buffer no name holds any more is
kept as the function's spare (the largest one) or freed; the rest is freed on exit.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from hlopt.nativize.cython_runtime import CTYPE, PTR

if TYPE_CHECKING:
    from hlopt.nativize.cython_plan import Plan
    from hlopt.nativize.cython_stmt import StmtWriter


def peers(pl: Plan, name: str) -> list[str]:
    """The other growable arrays of ``name``'s element kind (they may share its buffer)."""
    kind = pl.arrays[name].kind
    return [n for n, a in sorted(pl.arrays.items()) if a.grow and a.kind == kind and n != name]


def decls(pl: Plan) -> dict[str, str]:
    out = {}
    for kind in sorted({a.kind for a in pl.arrays.values() if a.grow}):
        out[f"_hl_sp_{kind}"] = PTR[kind]
        out[f"_hl_spc_{kind}"] = "cython.Py_ssize_t"
    for n, a in sorted(pl.arrays.items()):
        if a.grow:
            out[f"_hl_c_{n}"] = "cython.Py_ssize_t"
    return out


def init(pl: Plan) -> list[str]:
    kinds = sorted({a.kind for a in pl.arrays.values() if a.grow})
    out = [f"_hl_sp_{k} = cython.NULL\n_hl_spc_{k} = 0" for k in kinds]
    return out + [f"{n} = cython.NULL" for n, a in sorted(pl.arrays.items()) if a.grow]


def frees(pl: Plan) -> list[str]:
    """Free each buffer once (names may share one), then the spares."""
    out = []
    done: dict[str, list[str]] = {}
    for n, a in sorted(pl.arrays.items()):
        if not a.grow:
            continue
        before = done.setdefault(a.kind, [])
        cond = " and ".join([f"{n} != cython.NULL"] + [f"{n} != {b}" for b in before])
        out.append(f"if {cond}:\n    _hl_c_free({n})")
        before.append(n)
    out += [f"_hl_c_free(_hl_sp_{k})" for k in sorted(done)]
    return out


def _release(pl: Plan, name: str) -> str:
    """Drop ``name``'s buffer: unless another name holds it, keep it as spare or free it."""
    kind = pl.arrays[name].kind
    sp, spc = f"_hl_sp_{kind}", f"_hl_spc_{kind}"
    cond = " and ".join([f"{name} != cython.NULL"] + [f"{name} != {p}" for p in peers(pl, name)])
    return (f"if {cond}:\n"
            f"    if {sp} == cython.NULL:\n        {sp} = {name}\n        {spc} = _hl_c_{name}\n"
            f"    elif _hl_c_{name} > {spc}:\n        _hl_c_free({sp})\n        {sp} = {name}\n"
            f"        {spc} = _hl_c_{name}\n"
            f"    else:\n        _hl_c_free({name})")


def _parse(text: str) -> list[ast.stmt]:
    return ast.parse(text).body


def alias(w: StmtWriter, name: str, other: str) -> list[ast.stmt]:
    """``name = other``: both hold one buffer."""
    return _parse(f"if {name} != {other}:\n" + _indent(_release(w.plan, name)) + "\n"
                  f"{name} = {other}\n_hl_n_{name} = _hl_n_{other}\n"
                  f"_hl_c_{name} = _hl_c_{other}")


def allocate(w: StmtWriter, name: str, value: ast.expr) -> list[ast.stmt]:
    """``name = [a, b]`` / ``[x] * n`` / ``list(range(a, b))`` into a fresh (or spare) buffer."""
    from hlopt.nativize.cython_body import _assign, _name

    kind = w.plan.arrays[name].kind
    ctype = CTYPE[kind]
    need = w.hidden("need", "cython.Py_ssize_t")
    buf = w.hidden("buf", PTR[kind])
    cap = w.hidden("cap", "cython.Py_ssize_t")
    pre: list[ast.stmt] = []
    fill: list[ast.stmt] = []
    i = w.hidden("i", "cython.Py_ssize_t")
    if isinstance(value, ast.List):
        items = []
        for e in value.elts:
            t = w.hidden("it", ctype)
            pre.append(_assign(t, w.visit(e)))
            items.append(t)
        pre.append(_assign(need, ast.Constant(len(items))))
        fill = [_parse(f"{buf}[{k}] = {t}")[0] for k, t in enumerate(items)]
    elif isinstance(value, ast.Call):  # list(range(...))
        args = [w.visit(a) for a in value.args[0].args]
        lo, hi = (ast.Constant(0), args[0]) if len(args) == 1 else args
        lo_name = w.hidden("lo", "cython.longlong")
        hi_name = w.hidden("hi", "cython.longlong")
        pre += [_assign(lo_name, lo), _assign(hi_name, hi)]
        pre += _parse(f"{need} = ({hi_name} - {lo_name}) if {hi_name} > {lo_name} else 0")
        fill = _parse(f"for {i} in range({need}):\n    {buf}[{i}] = {lo_name} + {i}")
    else:  # [x] * n
        from hlopt.nativize.cython_stmt import _repeat_parts

        lit, count = _repeat_parts(value)
        pre += [_assign(need, w.visit(count))] + _parse(f"if {need} < 0:\n    {need} = 0")
        fill = [ast.For(_name(i).__class__(i, ast.Store()), ast.Call(_name("range"),
                                                                     [_name(need)], []),
                        [ast.Assign([ast.Subscript(_name(buf), _name(i), ast.Store())], lit,
                                    lineno=0)], [], lineno=0)]
    sp, spc = f"_hl_sp_{kind}", f"_hl_spc_{kind}"
    take = _parse(
        f"if {sp} != cython.NULL and {spc} >= {need}:\n    {buf} = {sp}\n    {cap} = {spc}\n"
        f"    {sp} = cython.NULL\nelse:\n    {cap} = {need} if {need} > 8 else 8\n"
        f"    {buf} = {w.need(f'_hl_valloc_{kind}')}({cap})")
    done = _parse(_release(w.plan, name) + f"\n{name} = {buf}\n_hl_n_{name} = {need}\n"
                  f"_hl_c_{name} = {cap}")
    return pre + take + fill + done


def append(w: StmtWriter, name: str, value: ast.expr) -> list[ast.stmt]:
    """``name.append(v)``: grow by doubling; every name holding the buffer sees it."""
    from hlopt.nativize.cython_body import _assign

    kind = w.plan.arrays[name].kind
    v = w.hidden("av", CTYPE[kind])
    old = w.hidden("ao", PTR[kind])
    others = peers(w.plan, name)
    moved = "".join(f"\n    if {p} == {old}:\n        {p} = {name}\n        _hl_c_{p} = _hl_c_{name}"
                    for p in others)
    grow = (f"if _hl_n_{name} == _hl_c_{name}:\n    {old} = {name}\n"
            f"    {name} = {w.need(f'_hl_vgrow_{kind}')}({name}, _hl_c_{name})\n"
            f"    _hl_c_{name} = _hl_c_{name} * 2{moved}")
    same = "".join(f"\nif {p} == {name}:\n    _hl_n_{p} = _hl_n_{name}" for p in others)
    return [_assign(v, w.visit(value))] + _parse(
        grow + f"\n{name}[_hl_n_{name}] = {v}\n_hl_n_{name} += 1" + same)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())


def helpers(kind: str) -> dict[str, str]:
    c, p = CTYPE[kind], PTR[kind]
    return {
        f"_hl_valloc_{kind}": f'''@cython.cfunc
@cython.exceptval(check=True)
def _hl_valloc_{kind}(n: cython.Py_ssize_t) -> {p}:
    p: {p} = cython.cast({p}, malloc(n * cython.sizeof({c})))
    if p == cython.NULL:
        raise MemoryError()
    return p
''',
        f"_hl_vgrow_{kind}": f'''@cython.cfunc
@cython.exceptval(check=True)
def _hl_vgrow_{kind}(p: {p}, cap: cython.Py_ssize_t) -> {p}:
    q: {p} = cython.cast({p}, realloc(p, 2 * cap * cython.sizeof({c})))
    if q == cython.NULL:
        raise MemoryError()
    return q
''',
    }
