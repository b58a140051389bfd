"""Generate a Cython pure-Python-mode extension module for an analysed, typed function."""

from __future__ import annotations

import ast
import copy
import re

from hlopt.nativize import cython_vec as vec
from hlopt.nativize import types as T
from hlopt.nativize.analyse import local_names
from hlopt.nativize.cython_body import _P, _PP
from hlopt.nativize.cython_bounds import safe_indexes
from hlopt.nativize.cython_entry import bind_source, entry_source, needed_helpers
from hlopt.nativize.cython_plan import Plan, plan
from hlopt.nativize.cython_runtime import LIBM, closure
from hlopt.nativize.cython_stmt import StmtWriter
from hlopt.nativize.cython_str import CIMPORTS as STR_CIMPORTS
from hlopt.nativize.cython_u64 import U64, Kinds, int_constants, nonneg_names, u64_names, verified
from hlopt.nativize.cython_view import CIMPORTS as VIEW_CIMPORTS
from hlopt.nativize.hashing import source_hash
from hlopt.nativize.infer import Typer, bindings, function_node, infer_locals, return_type
from hlopt.nativize.model import MARK, OBJECT, Analysis, Generated, NType, Typing

_CONTAINERS = ("list", "dict", "set", "frozenset", "tuple")
_CTYPES = {"int": "cython.longlong", "float": "cython.double", "bool": "cython.bint"}
_OBJTYPES = {"str": "str", "dict": "dict", "list": "list", "bytes": "bytes",
             "bytearray": "bytearray", "tuple": "tuple", "set": "set"}
_C_NAMES = ("malloc", "realloc", "free", "memcmp", *LIBM)


def module_name(analysis: Analysis) -> str:
    stem = analysis.target.module.rsplit(".", 1)[-1]
    return f"{MARK}{stem}_{analysis.target.qualname.replace('.', '_')}"


def generate(analysis: Analysis, typing: Typing) -> Generated:
    """The Cython source of the native module for ``analysis``'s function."""
    func = function_node(analysis)
    params = list(typing.params)
    pl, typer = _plan(func, typing, analysis)
    work = copy.deepcopy(func)  # the writer rewrites it; safe indexes are its nodes' ids
    writer = StmtWriter(pl, typer, analysis, safe_indexes(work, pl, typer))
    body = writer._stmts(work.body)
    ret = return_type(func, pl.env, analysis)
    core = _core(func, body, pl, writer, params, ret, typing)
    name = module_name(analysis)
    hashed = source_hash(analysis)
    parts = [_header(analysis, name), _module_globals(analysis, typing, hashed),
             _c_names("\n\n".join(closure(writer.needs | needed_helpers(pl) | {"_hl_gl"}))),
             *(_helper(analysis, n, src) for n, src in analysis.helpers.items()),
             core, entry_source(analysis, func, pl, typing, _ctype(ret, pl)),
             bind_source(analysis)]
    notes = [f"C arrays: {', '.join(f'{k} ({v.kind}, {v.dims}D)' for k, v in pl.arrays.items())}"
             if pl.arrays else "no C arrays"]
    views = [k for k, v in pl.arrays.items() if v.view]
    if views:
        notes.append(f"list arguments read in place: {', '.join(views)}")
    if pl.chars:
        notes.append(f"one-character strings as code points: {', '.join(sorted(pl.chars))}")
    if not pl.fallback_safe:
        notes.append("ints kept as Python objects: the function has effects a restart "
                     "after an overflow could repeat")
    return Generated(backend="cython", module_name=name, source="\n\n".join(parts) + "\n",
                     suffix=".py", source_hash=hashed, notes=notes)


def _plan(func: ast.FunctionDef, typing: Typing, analysis: Analysis) -> tuple[Plan, Typer]:
    """Choose arrays, then re-type with unchecked containers' elements as objects."""
    names = list(typing.params)
    env = infer_locals(func, typing.params, analysis)
    weak: set[str] = set()
    fixed: set[str] = set()
    pl = plan(func, env, analysis, names)
    u64 = _u64(func, pl, analysis, names)
    for _ in range(4):
        fixed = {n for n in pl.unbound if n not in names} | u64 | _complex_pows(func, pl)
        weak = {n for n, t in pl.env.items() if t.name in _CONTAINERS
                and n not in pl.arrays and n not in pl.rows}
        env = infer_locals(func, typing.params, analysis, weak, fixed)
        again = plan(func, env, analysis, names)
        if again.arrays.keys() == pl.arrays.keys() and again.env == pl.env:
            pl = again
            break
        pl = again
    typer = Typer(pl.env, analysis)
    typer.weak = weak
    kinds = _kinds(func, typer, pl, analysis)
    pl.nonneg = kinds.nonneg
    pl.u64 = verified(kinds, bindings(func), u64)
    return pl, typer


def _complex_pows(func: ast.FunctionDef, pl: Plan) -> set[str]:
    """Locals bound to ``x ** 0.5``-like expressions when no fallback is possible: a negative
    base gives a complex, so they stay Python objects."""
    if pl.fallback_safe:
        return set()
    return {n for n, bs in bindings(func).items()
            if any(any(complex_pow(e) for e in ast.walk(b[1])) for b in bs)}


def complex_pow(e: ast.AST) -> bool:
    """``a ** c`` with a float literal ``c`` that is not a whole number."""
    return isinstance(e, ast.BinOp) and isinstance(e.op, ast.Pow) \
        and isinstance(e.right, ast.Constant) and type(e.right.value) is float \
        and not e.right.value.is_integer()


def _kinds(func: ast.FunctionDef, typer: Typer, pl: Plan, analysis: Analysis) -> Kinds:
    kinds = Kinds(typer, pl.fallback_safe, consts=int_constants(analysis))
    kinds.nonneg = nonneg_names(func, typer, bindings(func)) - pl.unbound
    return kinds


def _u64(func: ast.FunctionDef, pl: Plan, analysis: Analysis, names: list[str]) -> set[str]:
    """Locals computed by masked wrapping arithmetic (see cython_u64.py)."""
    kinds = _kinds(func, Typer(pl.env, analysis), pl, analysis)
    binds = bindings(func)
    return u64_names(func, kinds, binds, names, pl.unbound | set(pl.arrays) | set(pl.rows))


def _ctype(t: NType, pl: Plan) -> str | None:
    if t.name in _CTYPES and (t.name != "int" or pl.fallback_safe):
        return _CTYPES[t.name]
    return None


def _decl(name: str, t: NType, pl: Plan) -> dict[str, str]:
    """The C declarations a name needs (arrays bring their length variables)."""
    if name in pl.arrays:
        a = pl.arrays[name]
        if a.view:
            return {name: "list", f"_hl_n_{name}": "cython.Py_ssize_t"}
        out = {name: (_PP if a.dims == 2 else _P)[a.kind], f"_hl_n_{name}": "cython.Py_ssize_t"}
        if a.dims == 2:
            out[f"_hl_l_{name}"] = "cython.p_Py_ssize_t"
        return out
    if name in pl.rows:
        return {name: _P[pl.rows[name]], f"_hl_n_{name}": "cython.Py_ssize_t"}
    if name in pl.u64:
        return {name: U64}
    if name in pl.chars:
        return {name: "cython.Py_UCS4"}
    if name in pl.unbound:
        return {}
    c = _ctype(t, pl) or _OBJTYPES.get(t.name)
    return {name: c} if c else {}


def core_params(func: ast.FunctionDef, pl: Plan, typing: Typing) -> list[tuple[str, str]]:
    """The C parameters of the core function, in order (arrays come with their lengths)."""
    out = []
    for name in typing.params:
        t = pl.env.get(name, OBJECT)
        decl = _decl(name, t, pl)
        decl.pop(f"_hl_l_{name}", None)
        out.extend(decl.items() if decl else [(name, "object")])
    return out


def _core(func: ast.FunctionDef, body: list[ast.stmt], pl: Plan, writer: StmtWriter,
          params: list[str], ret: NType, typing: Typing) -> str:
    sig = core_params(func, pl, typing)
    decls: dict[str, str] = {}
    for name in sorted(local_names(func) - set(params)):
        decls.update(_decl(name, pl.env.get(name, OBJECT), pl))
    for name in params:
        if name in pl.arrays and pl.arrays[name].dims == 2:
            decls[f"_hl_l_{name}"] = "cython.p_Py_ssize_t"
    decls.update(writer.decls)
    decls.update(vec.decls(pl))
    pre = [f"_hl_l_{n} = cython.cast(cython.p_Py_ssize_t, {n} + _hl_n_{n})"
           for n in params if n in pl.arrays and pl.arrays[n].dims == 2]
    pre += [f"{o} = cython.NULL" for o in writer.owners] + vec.init(pl)
    text = "\n".join(ast.unparse(s) for s in body) or "pass"
    if writer.owners or vec.frees(pl):
        frees = "\n".join([f"_hl_c_free({o})" for o in writer.owners] + vec.frees(pl))
        text = "try:\n" + _indent(text) + "\nfinally:\n" + _indent(frees)
    rtype = _ctype(ret, pl)
    lines = ["@cython.cfunc"]
    if pl.fallback_safe:
        lines.append("@cython.overflowcheck(True)")
    if decls:
        lines.append("@cython.locals(" + ", ".join(f"{k}={v}" for k, v in decls.items()) + ")")
    args = ", ".join(f"{n}: {c}" for n, c in sig)
    lines.append(f"def _hl_core({args})" + (f" -> {rtype}:" if rtype else ":"))
    lines.append(_indent("\n".join(pre + [text])))
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())


def _header(analysis: Analysis, name: str) -> str:
    c = ", ".join(f"{n} as _hl_c_{n}" for n in LIBM)
    lines = ["# cython: language_level=3, binding=True, cdivision=False",
             f'"""{name}: generated by hlopt nativize from {analysis.target.spec}; do not edit.'
             '"""', "import cython", "import builtins as _hl_builtins",
             "from cython.cimports.libc.stdlib import malloc as _hl_c_malloc, free as _hl_c_free, "
             "realloc as _hl_c_realloc",
             "from cython.cimports.libc.string import memcmp as _hl_c_memcmp",
             f"from cython.cimports.libc.math import {c}", *VIEW_CIMPORTS, *STR_CIMPORTS,
             *analysis.imports]
    return "\n".join(lines)


def _module_globals(analysis: Analysis, typing: Typing, hashed: str) -> str:
    consts = [f"{k} = {v}" for k, v in analysis.constants.items()]
    info = {"source_hash": hashed, "backend": "cython", "function": analysis.target.qualname,
            "typing": {k: str(v) for k, v in typing.params.items()} | {
                "return": str(typing.returns)}}
    return "\n".join([*consts, f"__hlopt__ = {info!r}", "_hl_py = None",
                      "_hl_g = cython.declare(dict, {})", "_hl_dflt = {}",
                      "_hl_MISSING = object()", _GL])


_GL = '''

def _hl_gl_fallback(name):
    try:
        return getattr(_hl_builtins, name)
    except AttributeError:
        raise NameError(f"name {name!r} is not defined") from None'''


def _c_names(text: str) -> str:
    return re.sub(r"(?<![\w.])(" + "|".join(_C_NAMES) + r")\(", r"_hl_c_\1(", text)


def _helper(analysis: Analysis, name: str, source: str) -> str:
    """A same-module helper, compiled as Python-object code with its globals redirected."""
    node = ast.parse(source).body[0]
    own = local_names(node)

    class Redirect(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.expr:
            if isinstance(n.ctx, ast.Load) and n.id in analysis.globals_read and n.id not in own:
                return ast.Call(ast.Name("_hl_gl", ast.Load()), [ast.Constant(n.id)], [])
            return n
    return ast.unparse(Redirect().visit(node))


__all__ = ["generate", "module_name", "T"]
