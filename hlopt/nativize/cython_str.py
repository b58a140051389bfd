"""str methods of typed ``str`` values as C: fast paths for one-byte strings, Python's results.

``s.lower()``/``s.upper()`` (ASCII), ``s.strip()``-family (no argument, or a literal of
Latin-1 characters) and ``a, b, c = s.partition(LIT)`` are computed on the string's
one-byte buffer when it has one; any other string goes to the str method itself. The
results are the ones CPython gives: an unchanged strip returns the string itself (as
``PyUnicode_Substring`` does for an exact str), lower/upper build a new ASCII string.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hlopt.nativize.cython_body import BodyWriter

#: the Latin-1 characters ``str.strip()``/``str.split()`` treat as whitespace
WHITESPACE = frozenset([*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0])
_STRIP = {"strip": 0, "lstrip": 1, "rstrip": 2}

CIMPORTS = (
    "from cython.cimports.cpython.unicode import PyUnicode_GET_LENGTH as _hl_PyUnicode_GET_LENGTH, "
    "PyUnicode_KIND as _hl_PyUnicode_KIND, PyUnicode_1BYTE_DATA as _hl_PyUnicode_1BYTE_DATA, "
    "PyUnicode_New as _hl_PyUnicode_New, PyUnicode_Substring as _hl_PyUnicode_Substring, "
    "PyUnicode_Find as _hl_PyUnicode_Find",)

HELPERS = {
    "_hl_s_case": '''@cython.cfunc
def _hl_s_case(s: str, upper: cython.bint) -> str:
    n: cython.Py_ssize_t = _hl_PyUnicode_GET_LENGTH(s)
    i: cython.Py_ssize_t
    c: cython.uchar
    src: cython.p_uchar
    dst: cython.p_uchar
    if _hl_PyUnicode_KIND(s) != 1:
        return s.upper() if upper else s.lower()
    r: str = _hl_PyUnicode_New(n, 127)
    src = _hl_PyUnicode_1BYTE_DATA(s)
    dst = _hl_PyUnicode_1BYTE_DATA(r)
    for i in range(n):
        c = src[i]
        if c >= 128:
            return s.upper() if upper else s.lower()
        if upper:
            dst[i] = c - 32 if 97 <= c <= 122 else c
        else:
            dst[i] = c + 32 if 65 <= c <= 90 else c
    return r
''',
    "_hl_s_in": '''@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _hl_s_in(c: cython.uchar, t0: cython.ulonglong, t1: cython.ulonglong,
             t2: cython.ulonglong, t3: cython.ulonglong) -> cython.bint:
    w: cython.ulonglong = t0 if c < 64 else t1 if c < 128 else t2 if c < 192 else t3
    return (w >> (c & 63)) & 1
''',
    "_hl_s_strip": '''@cython.cfunc
def _hl_s_strip(s: str, chars: object, which: cython.int, t0: cython.ulonglong,
                t1: cython.ulonglong, t2: cython.ulonglong, t3: cython.ulonglong) -> str:
    n: cython.Py_ssize_t = _hl_PyUnicode_GET_LENGTH(s)
    i: cython.Py_ssize_t = 0
    j: cython.Py_ssize_t = n
    src: cython.p_uchar
    if _hl_PyUnicode_KIND(s) != 1:
        if which == 0:
            return s.strip(chars)
        return s.lstrip(chars) if which == 1 else s.rstrip(chars)
    src = _hl_PyUnicode_1BYTE_DATA(s)
    if which != 2:
        while i < j and _hl_s_in(src[i], t0, t1, t2, t3):
            i += 1
    if which != 1:
        while j > i and _hl_s_in(src[j - 1], t0, t1, t2, t3):
            j -= 1
    return _hl_PyUnicode_Substring(s, i, j)
''',
}
DEPENDS = {"_hl_s_strip": ["_hl_s_in"]}


def table(codes: frozenset[int] | set[int]) -> list[int]:
    """Four 64-bit words with bit ``c`` set for each code ``c`` < 256."""
    words = [0, 0, 0, 0]
    for c in codes:
        words[c >> 6] |= 1 << (c & 63)
    return words


def method_call(w: BodyWriter, node: ast.Call) -> ast.expr | None:
    """``s.lower()``-like calls on a typed str, as a helper call (None: not one)."""
    f = node.func
    if not isinstance(f, ast.Attribute) or node.keywords or not _is_str(w, f.value):
        return None
    if f.attr in ("lower", "upper") and not node.args:
        return _call(w.need("_hl_s_case"), w.visit(f.value), ast.Constant(f.attr == "upper"))
    if f.attr not in _STRIP or len(node.args) > 1:
        return None
    arg = node.args[0] if node.args else ast.Constant(None)
    if not isinstance(arg, ast.Constant):
        return None
    if arg.value is None:
        codes = WHITESPACE
    elif type(arg.value) is str and all(ord(c) < 256 for c in arg.value):
        codes = frozenset(ord(c) for c in arg.value)
    else:
        return None
    words = [_u64(v) for v in table(codes)]
    return _call(w.need("_hl_s_strip"), w.visit(f.value), arg, ast.Constant(_STRIP[f.attr]),
                 *words)


def partition(w: BodyWriter, node: ast.Assign) -> list[ast.stmt] | None:
    """``a, b, c = s.partition(LIT)`` (or rpartition) with distinct names other than ``s``:
    three assignments from one search, no tuple made. None when not of that form."""
    t, v = node.targets[0] if len(node.targets) == 1 else None, node.value
    if not (isinstance(t, ast.Tuple) and len(t.elts) == 3
            and all(isinstance(e, ast.Name) for e in t.elts)
            and isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute)
            and v.func.attr in ("partition", "rpartition") and len(v.args) == 1
            and not v.keywords and isinstance(v.func.value, ast.Name)
            and _is_str(w, v.func.value) and isinstance(v.args[0], ast.Constant)
            and type(v.args[0].value) is str and v.args[0].value):
        return None
    names = [e.id for e in t.elts]
    s, sep = v.func.value.id, v.args[0].value
    if len(set(names)) != 3 or s in names or any(
            w.typer.env.get(n) is None or w.typer.env[n].name not in ("str", "object")
            for n in names):
        return None
    k = w.hidden("pi", "cython.Py_ssize_t")
    a, b, c = names
    right = v.func.attr == "rpartition"
    missing = f"{a} = ''\n    {b} = ''\n    {c} = {s}" if right else \
        f"{a} = {s}\n    {b} = ''\n    {c} = ''"
    text = (f"{k} = _hl_PyUnicode_Find({s}, {sep!r}, 0, _hl_PyUnicode_GET_LENGTH({s}), "
            f"{-1 if right else 1})\n"
            f"if {k} < 0:\n    {missing}\n"
            f"else:\n    {a} = _hl_PyUnicode_Substring({s}, 0, {k})\n    {b} = {sep!r}\n"
            f"    {c} = _hl_PyUnicode_Substring({s}, {k} + {len(sep)}, "
            f"_hl_PyUnicode_GET_LENGTH({s}))")
    return ast.parse(text).body


def _is_str(w: BodyWriter, e: ast.AST) -> bool:
    t = w.t(e)
    return t is not None and t.name == "str"


def _u64(v: int) -> ast.expr:
    return ast.Call(ast.Attribute(ast.Name("cython", ast.Load()), "cast", ast.Load()),
                    [ast.parse("cython.ulonglong", mode="eval").body, ast.Constant(v)], [])


def _call(fn: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(fn, ast.Load()), list(args), [])
