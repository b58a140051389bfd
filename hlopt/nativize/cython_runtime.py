"""Cython pure-mode helpers the generated modules include: exact Python arithmetic and arrays."""

from __future__ import annotations

from hlopt.nativize.cython_str import DEPENDS as STR_DEPENDS
from hlopt.nativize.cython_str import HELPERS as STR_HELPERS
from hlopt.nativize.cython_u64 import HELPERS as U64_HELPERS

#: C types of the element kinds of native arrays: d = float, ll = int, b = bool
CTYPE = {"d": "cython.double", "ll": "cython.longlong", "b": "cython.char"}
PTR = {"d": "cython.p_double", "ll": "cython.p_longlong", "b": "cython.p_char"}
PPTR = {"d": "cython.pp_double", "ll": "cython.pp_longlong", "b": "cython.pp_char"}

_CF = "@cython.cfunc\n@cython.inline\n"
_CFX = "@cython.cfunc\n@cython.exceptval(check=True)\n"
#: for loops over ``range(len(o))`` of a list no Python code can resize meanwhile
_NOCHECK = "@cython.boundscheck(False)\n@cython.wraparound(False)\n"

HELPERS: dict[str, str] = {
    "_hl_gl": '''@cython.cfunc
def _hl_gl(name: str) -> object:
    try:
        return _hl_g[name]
    except KeyError:
        return _hl_gl_fallback(name)
''',
    # CPython 3.11's sum() of floats: 0 for no items, else left-to-right double additions
    "_hl_sumf_d": '''@cython.cfunc
def _hl_sumf_d(p: cython.p_double, n: cython.Py_ssize_t) -> object:
    i: cython.Py_ssize_t
    s: cython.double = 0.0
    if n == 0:
        return 0
    for i in range(n):
        s += p[i]
    return s
''',
    # -1 is never an index it returns: the caller's test of -1 is the whole error check
    "_hl_ix": _CF + '''@cython.exceptval(-1, check=False)
def _hl_ix(i: cython.longlong, n: cython.Py_ssize_t) -> cython.Py_ssize_t:
    if i < 0:
        i += n
    if i < 0 or i >= n:
        raise IndexError("list index out of range")
    return i
''',
    # an index held as a Python int (an int that stays an object where the function cannot
    # fall back): beyond 64 bits Python raises IndexError, not Cython's OverflowError
    "_hl_ixo": _CF + '''@cython.exceptval(-1, check=False)
def _hl_ixo(i: object, n: cython.Py_ssize_t) -> cython.Py_ssize_t:
    k: cython.longlong
    try:
        k = i
    except OverflowError:
        raise IndexError("cannot fit 'int' into an index-sized integer") from None
    return _hl_ix(k, n)
''',
    # an index known to be >= 0
    "_hl_ixp": _CF + '''@cython.exceptval(-1, check=False)
def _hl_ixp(i: cython.longlong, n: cython.Py_ssize_t) -> cython.Py_ssize_t:
    if i >= n:
        raise IndexError("list index out of range")
    return i
''',
    "_hl_imod": _CF + '''def _hl_imod(a: cython.longlong, b: cython.longlong) -> cython.longlong:
    if b == -1:
        return 0
    return a % b
''',
    "_hl_ifloordiv": _CF + '''def _hl_ifloordiv(a: cython.longlong, b: cython.longlong) -> cython.longlong:
    return a // b
''',
    "_hl_shl": _CF + '''@cython.overflowcheck(True)
def _hl_shl(a: cython.longlong, b: cython.longlong) -> cython.longlong:
    if b < 0:
        raise ValueError("negative shift count")
    if a == 0:
        return 0
    if b >= 63:
        raise OverflowError("hlopt: shift result needs a Python int")
    return a << b
''',
    "_hl_shr": _CF + '''def _hl_shr(a: cython.longlong, b: cython.longlong) -> cython.longlong:
    if b < 0:
        raise ValueError("negative shift count")
    if b >= 63:
        return -1 if a < 0 else 0
    return a >> b
''',
    "_hl_tdiv": _CF + '''@cython.exceptval(1e300, check=False)
def _hl_tdiv(a: cython.longlong, b: cython.longlong) -> cython.double:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    if a > 9007199254740992 or a < -9007199254740992 or b > 9007199254740992 \\
            or b < -9007199254740992:
        raise OverflowError("hlopt: int true division beyond 2**53")
    return cython.cast(cython.double, a) / cython.cast(cython.double, b)
''',
    # |result| <= 2**53: 1e300 is never a result, it signals the error
    "_hl_i2d": _CF + '''@cython.exceptval(1e300, check=False)
def _hl_i2d(a: cython.longlong) -> cython.double:
    if a > 9007199254740992 or a < -9007199254740992:
        raise OverflowError("hlopt: int-float comparison beyond 2**53")
    return cython.cast(cython.double, a)
''',
    "_hl_neg": _CF + '''def _hl_neg(a: cython.longlong) -> cython.longlong:
    if a == -9223372036854775807 - 1:
        raise OverflowError("hlopt: -(-2**63) needs a Python int")
    return -a
''',
    # x itself once int(x) is known to exist; 1e300 (never such an x) signals the error,
    # so the caller's test is the whole check (no call path back into a loop)
    "_hl_dck": _CF + '''@cython.exceptval(1e300, check=False)
def _hl_dck(x: cython.double) -> cython.double:
    if x != x:
        raise ValueError("cannot convert float NaN to integer")
    if x >= 9223372036854775808.0 or x < -9223372036854775808.0:
        raise OverflowError("cannot convert float infinity to integer")
    return x
''',
    "_hl_ipow": _CF + '''@cython.overflowcheck(True)
def _hl_ipow(a: cython.longlong, b: cython.longlong) -> cython.longlong:
    r: cython.longlong = 1
    if b < 0:
        raise OverflowError("hlopt: negative exponent gives a float")
    while b > 0:
        if b & 1:
            r = r * a
        b >>= 1
        if b:
            a = a * a
    return r
''',
    "_hl_fmod": _CF + '''@cython.cdivision(True)
def _hl_fmod(vx: cython.double, wx: cython.double) -> cython.double:
    mod: cython.double
    if wx == 0.0:
        raise ZeroDivisionError("float modulo")
    mod = fmod(vx, wx)
    if mod:
        if (wx < 0) != (mod < 0):
            mod += wx
    else:
        mod = copysign(0.0, wx)
    return mod
''',
    "_hl_ffloordiv": _CF + '''@cython.cdivision(True)
def _hl_ffloordiv(vx: cython.double, wx: cython.double) -> cython.double:
    mod: cython.double
    div: cython.double
    floordiv: cython.double
    if wx == 0.0:
        raise ZeroDivisionError("float floor division by zero")
    mod = fmod(vx, wx)
    div = (vx - mod) / wx
    if mod:
        if (wx < 0) != (mod < 0):
            mod += wx
            div -= 1.0
    if div:
        floordiv = floor(div)
        if div - floordiv > 0.5:
            floordiv += 1.0
    else:
        floordiv = copysign(0.0, vx / wx)
    return floordiv
''',
    "_hl_fpow": _CF + '''@cython.cdivision(True)
def _hl_fpow(iv: cython.double, iw: cython.double) -> cython.double:
    odd: cython.bint
    neg: cython.bint = False
    ix: cython.double
    if iw == 0.0:
        return 1.0
    if iv != iv:
        return iv
    if iw != iw:
        return 1.0 if iv == 1.0 else iw
    odd = fabs(fmod(iw, 2.0)) == 1.0
    if isinf(iw):
        iv = fabs(iv)
        if iv == 1.0:
            return 1.0
        if (iw > 0.0) == (iv > 1.0):
            return fabs(iw)
        return 0.0
    if isinf(iv):
        if iw > 0.0:
            return iv if odd else fabs(iv)
        return copysign(0.0, iv) if odd else 0.0
    if iv == 0.0:
        if iw < 0.0:
            raise ZeroDivisionError("0.0 cannot be raised to a negative power")
        return iv if odd else 0.0
    if iv < 0.0:
        if iw != floor(iw):
            raise OverflowError("hlopt: a complex result needs Python")
        iv = -iv
        neg = odd
    if iv == 1.0:
        return -1.0 if neg else 1.0
    ix = pow(iv, iw)
    if isinf(ix):
        raise OverflowError("(34, 'Numerical result out of range')")
    return -ix if neg else ix
''',
    "_hl_sqrt": _CF + '''@cython.exceptval(-1.0, check=False)
def _hl_sqrt(x: cython.double) -> cython.double:
    if x < 0.0:
        raise ValueError("math domain error")
    return sqrt(x)
''',
}

#: math functions computed by libm exactly as CPython's math_1 does: name -> may overflow
MATH_1 = {"exp": True, "log": False, "log2": False, "log10": False, "sin": False,
          "cos": False, "tan": False, "atan": False, "tanh": False, "sinh": True,
          "cosh": True, "expm1": True, "log1p": False}
#: a value each function never returns (it signals the error without a PyErr_Occurred call)
_NEVER = {"exp": "-1.0", "cosh": "-1.0", "sin": "2.0", "cos": "2.0", "tanh": "2.0",
          "atan": "2.0", "expm1": "-2.0"}
for _name, _over in MATH_1.items():
    _raise = 'OverflowError("math range error")' if _over else 'ValueError("math domain error")'
    _exc = f"@cython.exceptval({_NEVER[_name]}, check=False)\n" if _name in _NEVER else ""
    HELPERS[f"_hl_m_{_name}"] = _CF + _exc + f'''def _hl_m_{_name}(x: cython.double) -> cython.double:
    r: cython.double = {_name}(x)
    if r != r and x == x:
        raise ValueError("math domain error")
    if isinf(r) and isfinite(x):
        raise {_raise}
    return r
'''

#: libc.math names every module imports (cheap, and helpers above use them)
LIBM = ("sqrt", "floor", "ceil", "fmod", "copysign", "fabs", "pow", "isinf", "isfinite",
        *MATH_1)

HELPERS.update(U64_HELPERS)
HELPERS.update(STR_HELPERS)

DEPENDS = dict(STR_DEPENDS)
DEPENDS["_hl_ixo"] = ["_hl_ix"]


def array_helpers(kind: str) -> dict[str, str]:
    """Conversion helpers for one element kind (d, ll, b): list <-> malloc'd C array."""
    from hlopt.nativize.cython_vec import helpers as vec_helpers
    from hlopt.nativize.cython_view import ITEM_IS
    from hlopt.nativize.cython_view import helpers as view_helpers

    c, p, pp = CTYPE[kind], PTR[kind], PPTR[kind]
    # borrowed items, checked and read: the items' reference counts are not written
    value = {"d": "_hl_PyFloat_AS_DOUBLE(cython.cast(object, q))", "ll": "cython.cast(object, q)",
             "b": "q == cython.cast(cython.pointer(_hl_PyObject), True)"}[kind]
    conv = (f"q = _hl_PyList_GET_ITEM(o, i)\n        if not ({ITEM_IS[kind].format(v='q')}):\n"
            f"            return False\n        p[i] = {value}")
    return {
        **vec_helpers(kind), **view_helpers(kind),
        f"_hl_new_{kind}": _CFX + f'''def _hl_new_{kind}(n: cython.Py_ssize_t, fill: {c}) -> {p}:
    i: cython.Py_ssize_t
    p: {p} = cython.cast({p}, malloc((n if n > 0 else 1) * cython.sizeof({c})))
    if p == cython.NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = fill
    return p
''',
        f"_hl_new2_{kind}": _CFX + f'''def _hl_new2_{kind}(n: cython.Py_ssize_t, m: cython.Py_ssize_t,
                 fill: {c}) -> {pp}:
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    n = n if n > 0 else 0
    m = m if m > 0 else 0
    block: cython.p_char = cython.cast(cython.p_char, malloc(
        n * (cython.sizeof({p}) + cython.sizeof(cython.Py_ssize_t)) + n * m * cython.sizeof({c}) + 8))
    if block == cython.NULL:
        raise MemoryError()
    rows: {pp} = cython.cast({pp}, block)
    lens: cython.p_Py_ssize_t = cython.cast(cython.p_Py_ssize_t, rows + n)
    data: {p} = cython.cast({p}, lens + n)
    for i in range(n):
        rows[i] = data + i * m
        lens[i] = m
        for j in range(m):
            rows[i][j] = fill
    return rows
''',
        f"_hl_fill_{kind}": _CFX + _NOCHECK + f'''def _hl_fill_{kind}(o: list, p: {p}, n: cython.Py_ssize_t) -> cython.bint:
    i: cython.Py_ssize_t
    q: cython.pointer(_hl_PyObject)
    for i in range(n):
        {conv}
    return True
''',
        f"_hl_conv_{kind}": _CFX + f'''def _hl_conv_{kind}(o: list, n: cython.Py_ssize_t) -> {p}:
    p: {p} = cython.cast({p}, malloc((n if n > 0 else 1) * cython.sizeof({c})))
    if p == cython.NULL:
        raise MemoryError()
    try:
        if not _hl_fill_{kind}(o, p, n):
            free(p)
            return cython.NULL
    except BaseException:
        free(p)
        raise
    return p
''',
        f"_hl_conv2_{kind}": _CFX + _NOCHECK + f'''def _hl_conv2_{kind}(o: list, n: cython.Py_ssize_t) -> {pp}:
    i: cython.Py_ssize_t
    total: cython.Py_ssize_t = 0
    for i in range(n):
        if type(o[i]) is not list:
            return cython.NULL
        total += len(o[i])
    block: cython.p_char = cython.cast(cython.p_char, malloc(
        n * (cython.sizeof({p}) + cython.sizeof(cython.Py_ssize_t)) + total * cython.sizeof({c}) + 8))
    if block == cython.NULL:
        raise MemoryError()
    rows: {pp} = cython.cast({pp}, block)
    lens: cython.p_Py_ssize_t = cython.cast(cython.p_Py_ssize_t, rows + n)
    data: {p} = cython.cast({p}, lens + n)
    try:
        for i in range(n):
            row = o[i]
            lens[i] = len(row)
            rows[i] = data
            if not _hl_fill_{kind}(row, data, lens[i]):
                free(block)
                return cython.NULL
            data += lens[i]
    except BaseException:
        free(block)
        raise
    return rows
''',
        f"_hl_back_{kind}": _CFX + f'''def _hl_back_{kind}(o: list, p: {p}, n: cython.Py_ssize_t) -> cython.int:
    i: cython.Py_ssize_t
    old: {c}
    for i in range(n):
        old = o[i]
        if memcmp(cython.address(old), p + i, cython.sizeof({c})) != 0:
            o[i] = {"p[i] != 0" if kind == "b" else "p[i]"}
    return 0
''',
        f"_hl_list_{kind}": _CFX + f'''def _hl_list_{kind}(p: {p}, n: cython.Py_ssize_t) -> list:
    i: cython.Py_ssize_t
    out: list = [None] * n
    for i in range(n):
        out[i] = {"p[i] != 0" if kind == "b" else "p[i]"}
    return out
''',
        f"_hl_list2_{kind}": _CFX + f'''def _hl_list2_{kind}(p: {pp}, n: cython.Py_ssize_t) -> list:
    i: cython.Py_ssize_t
    lens: cython.p_Py_ssize_t = cython.cast(cython.p_Py_ssize_t, p + n)
    out: list = [None] * n
    for i in range(n):
        out[i] = _hl_list_{kind}(p[i], lens[i])
    return out
''',
        f"_hl_range_{kind}": _CFX + f'''def _hl_range_{kind}(a: cython.longlong, b: cython.longlong) -> {p}:
    i: cython.Py_ssize_t
    n: cython.Py_ssize_t = b - a if b > a else 0
    p: {p} = cython.cast({p}, malloc((n if n > 0 else 1) * cython.sizeof({c})))
    if p == cython.NULL:
        raise MemoryError()
    for i in range(n):
        p[i] = a + i
    return p
''',
        # a sum of n bools is at most n: it cannot overflow
        f"_hl_sum_{kind}": _CF + f'''@cython.overflowcheck({kind != "b"})
def _hl_sum_{kind}(p: {p}, n: cython.Py_ssize_t) -> cython.longlong:
    i: cython.Py_ssize_t
    s: cython.longlong = 0
    for i in range(n):
        s = s + p[i]
    return s
''',
    }


ARRAY_DEPENDS = {"_hl_conv_": ["_hl_fill_"], "_hl_conv2_": ["_hl_fill_"],
                 "_hl_list2_": ["_hl_list_"]}


def helper_source(name: str) -> tuple[str, list[str]]:
    """The source of one helper and the helpers it needs."""
    from hlopt.nativize.cython_view import DEPENDS as VIEW_DEPENDS

    if name in HELPERS:
        return HELPERS[name], DEPENDS.get(name, [])
    kind = name.rsplit("_", 1)[1]
    prefix = name[: -len(kind)]
    deps = [d + kind for d in ARRAY_DEPENDS.get(prefix, [])] + VIEW_DEPENDS.get(name, [])
    return array_helpers(kind)[name], deps


def closure(names: set[str]) -> list[str]:
    """The helpers' sources, each after those it needs, without duplicates."""
    out: list[str] = []
    done: set[str] = set()

    def add(name: str) -> None:
        if name in done:
            return
        done.add(name)
        text, deps = helper_source(name)
        for d in deps:
            add(d)
        out.append(text)
    for name in sorted(names):
        add(name)
    return out
