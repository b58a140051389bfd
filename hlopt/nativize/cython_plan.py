"""Decide how each name of a function is represented in C: scalar, typed object or C array."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from hlopt.nativize import types as T
from hlopt.nativize.analyse import MUTATING_METHODS, local_names
from hlopt.nativize.cython_chars import char_names
from hlopt.nativize.cython_view import light_reads
from hlopt.nativize.infer import Typer, binop_type
from hlopt.nativize.model import OBJECT, Analysis, NType

_KIND = {"float": "d", "int": "ll", "bool": "b"}
_PURE_BUILTINS = {"len", "range", "abs", "min", "max", "int", "float", "bool", "str", "ord",
                  "chr", "round", "sum", "enumerate", "zip", "reversed", "sorted", "list",
                  "dict", "set", "tuple", "isinstance", "divmod", "any", "all", "frozenset",
                  "hash", "repr", "iter", "next", "map", "filter", "type",
                  # building an exception object has no effect outside the function
                  "ValueError", "TypeError", "IndexError", "KeyError", "ZeroDivisionError",
                  "RuntimeError", "ArithmeticError", "OverflowError", "AssertionError",
                  "LookupError", "NotImplementedError", "Exception"}
_PURE_METHODS = {"get", "keys", "values", "items", "copy", "count", "index"}
_OVERFLOW_CATCHERS = {"OverflowError", "ArithmeticError", "Exception", "BaseException"}


@dataclass
class Array:
    """A list (or bytes) held as a C array: element kind d/ll/b/u8, one or two dimensions."""

    kind: str
    dims: int
    param: bool
    mutated: bool = False
    #: a growable local list (appended to, or allocated in a loop): pointer, length and
    #: capacity, buffers shared by aliases and freed when no name holds them (cython_vec.py)
    grow: bool = False
    appended: bool = False
    #: a list argument only read, in a fallback-safe function: its elements are loaded
    #: from the list where they are read, not copied first (cython_view.py)
    view: bool = False


@dataclass
class Plan:
    env: dict[str, NType]
    arrays: dict[str, Array] = field(default_factory=dict)
    #: row views of two-dimensional arrays: name -> the array kind
    rows: dict[str, str] = field(default_factory=dict)
    #: False when a fallback to Python after a partial run could be seen (side effects)
    fallback_safe: bool = True
    unbound: set[str] = field(default_factory=set)
    #: int locals held as exact unsigned 64-bit C ints (masked arithmetic, cython_u64.py)
    u64: set[str] = field(default_factory=set)
    #: int locals that are never negative
    nonneg: set[str] = field(default_factory=set)
    #: one-character str locals held as code points (cython_chars.py)
    chars: set[str] = field(default_factory=set)


def plan(func: ast.FunctionDef, env: dict[str, NType], analysis: Analysis,
         params: list[str]) -> Plan:
    p = Plan(env=dict(env))
    p.unbound = maybe_unbound(func, params) & local_names(func)
    p.fallback_safe = fallback_safe(func, analysis, params)
    typer = Typer(p.env, analysis)
    cands = _candidates(func, p, params, typer)
    rows = _row_candidates(func, cands)
    for _ in range(10):
        bad = _escapes(func, cands, rows, typer)
        if not bad:
            _mark_growable(func, cands)
            bad = _grow_conflicts(func, cands)
        if not bad:
            break
        for name in bad:
            cands.pop(name, None)
            rows.pop(name, None)
        rows = {r: k for r, k in rows.items() if any(a.dims == 2 for a in cands.values())}
    for name, a in cands.items():
        a.view = a.param and a.dims == 1 and a.kind != "u8" and not a.mutated \
            and p.fallback_safe and light_reads(func, name)
    p.arrays, p.rows = cands, rows
    p.chars = char_names(func, typer, params, p.unbound)
    return p


def _grow_conflicts(func: ast.FunctionDef, cands: dict[str, Array]) -> set[str]:
    """Growable arrays iterated by a loop whose body rebinds or appends to one of their kind
    (the loop reads a cached pointer), or swapped with other than a permutation of names."""
    grow = {n: a.kind for n, a in cands.items() if a.grow}
    bad: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.For):
            it = node.iter
            names = [it] if isinstance(it, ast.Name) else list(it.args) \
                if isinstance(it, ast.Call) else []
            iterated = {a.id for a in names if isinstance(a, ast.Name) and a.id in grow}
            kinds = {grow[n] for n in iterated}
            touched = {n.id for s in node.body + node.orelse for n in ast.walk(s)
                       if isinstance(n, ast.Name) and n.id in grow and grow[n.id] in kinds
                       and (isinstance(n.ctx, ast.Store) or _appended(n, s))}
            if touched:
                bad |= iterated | touched
        if isinstance(node, ast.Assign) and any(
                isinstance(n, ast.Name) and n.id in grow for t in node.targets
                for n in ast.walk(t)) and (len(node.targets) != 1
                                       or not isinstance(node.targets[0], ast.Name)):
            t, v = node.targets[0], node.value
            names = sorted(e.id for e in getattr(t, "elts", []) if isinstance(e, ast.Name))
            vals = sorted(e.id for e in getattr(v, "elts", []) if isinstance(e, ast.Name))
            if len(node.targets) != 1 or names != vals:
                bad |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in grow}
    return bad


def _appended(name: ast.Name, stmt: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.value is name and n.attr == "append"
               for n in ast.walk(stmt))


def _mark_growable(func: ast.FunctionDef, cands: dict[str, Array]) -> None:
    """Local 1-D arrays appended to or allocated in a loop grow; then every local 1-D array
    of that element kind does (aliases between them share one representation)."""
    binds = _binding_nodes(func)
    loops = _in_loop_nodes(func)
    kinds = set()
    for name, a in cands.items():
        if not a.param and a.dims == 1 and (a.appended or any(
                id(v) in loops and not _is_name(v) for v in binds.get(name, []))):
            kinds.add(a.kind)
    for a in cands.values():
        a.grow = not a.param and a.dims == 1 and a.kind in kinds


def _array_type(t: NType) -> tuple[str, int] | None:
    if t.name in ("bytes", "bytearray"):
        return "u8", 1
    if t.name != "list" or not t.args:
        return None
    el = t.args[0]
    if el.name in _KIND:
        return _KIND[el.name], 1
    if el.name == "list" and el.args and el.args[0].name in _KIND:
        return _KIND[el.args[0].name], 2
    return None


def _candidates(func: ast.FunctionDef, p: Plan, params: list[str],
                typer: Typer) -> dict[str, Array]:
    binds = _binding_nodes(func)
    loops = _in_loop_nodes(func)
    want = {"d": "float", "ll": "int", "b": "bool"}
    out: dict[str, Array] = {}
    for name, t in p.env.items():
        at = _array_type(t)
        if at is None or name in p.unbound:
            continue
        if name in params:
            if name not in binds:
                out[name] = Array(at[0], at[1], True)
            continue
        if at[0] == "u8" or not binds.get(name):
            continue
        ok = all(_allocation(v) == at and (id(v) not in loops or at[1] == 1) or _is_name(v)
                 or (at[1] == 1 and _display_of(v, want[at[0]], typer)) for v in binds[name])
        if ok:
            out[name] = Array(at[0], at[1], False)
    # a local array may only be assigned from other local arrays of the same shape
    changed = True
    while changed:
        changed = False
        for name, arr in list(out.items()):
            for v in binds.get(name, []):
                if _is_name(v) and (v.id not in out or out[v.id].param or
                                    (out[v.id].kind, out[v.id].dims) != (arr.kind, arr.dims)):
                    out.pop(name)
                    changed = True
                    break
    return out


def _display_of(v: ast.AST, el: str, typer: Typer) -> bool:
    """``[a, b]`` whose items all have exactly the element type ``el``."""
    return isinstance(v, ast.List) and all(
        not isinstance(e, ast.Starred) and (t := typer.type(e)) is not None and t.name == el
        for e in v.elts)


def _is_name(v: ast.AST) -> bool:
    return isinstance(v, ast.Name)


def _allocation(v: ast.AST) -> tuple[str, int] | None:
    """``[0.0] * n``, ``[[0] * m for _ in range(n)]``, ``list(range(a, b))``."""
    if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Mult):
        lst = v.left if isinstance(v.left, ast.List) else v.right
        if isinstance(lst, ast.List) and len(lst.elts) == 1 \
                and isinstance(lst.elts[0], ast.Constant):
            kind = _KIND.get(type(lst.elts[0].value).__name__)
            return (kind, 1) if kind else None
    if isinstance(v, ast.ListComp) and len(v.generators) == 1:
        gen = v.generators[0]
        if isinstance(gen.iter, ast.Call) and isinstance(gen.iter.func, ast.Name) \
                and gen.iter.func.id == "range" and len(gen.iter.args) == 1 \
                and not gen.ifs and isinstance(gen.target, ast.Name) \
                and gen.target.id not in {n.id for n in ast.walk(v.elt) if isinstance(n, ast.Name)}:
            inner = _allocation(v.elt)
            return (inner[0], 2) if inner and inner[1] == 1 else None
    if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "list" \
            and len(v.args) == 1 and isinstance(v.args[0], ast.Call) \
            and isinstance(v.args[0].func, ast.Name) and v.args[0].func.id == "range" \
            and 1 <= len(v.args[0].args) <= 2:
        return "ll", 1
    return None


def _binding_nodes(func: ast.FunctionDef) -> dict[str, list[ast.AST]]:
    """name -> the values assigned to it (a Tuple target marks it with the Tuple value)."""
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                _bind_target(out, t, node.value)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node)
        elif isinstance(node, ast.For | ast.comprehension):
            for n in ast.walk(node.target):
                if isinstance(n, ast.Name):
                    out.setdefault(n.id, []).append(node)
        elif isinstance(node, ast.NamedExpr | ast.With | ast.ExceptHandler | ast.Delete):
            for n in ast.walk(node):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
                    out.setdefault(n.id, []).append(node)
    return out


def _bind_target(out: dict[str, list[ast.AST]], t: ast.AST, value: ast.AST) -> None:
    if isinstance(t, ast.Name):
        out.setdefault(t.id, []).append(value)
    elif isinstance(t, ast.Tuple | ast.List):
        same = isinstance(value, ast.Tuple) and len(value.elts) == len(t.elts)
        for i, e in enumerate(t.elts):
            _bind_target(out, e, value.elts[i] if same else t)


def _in_loop_nodes(func: ast.FunctionDef) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.For | ast.While):
            for inner in node.body + node.orelse:
                out.update(id(n) for n in ast.walk(inner))
    return out


def _row_candidates(func: ast.FunctionDef, cands: dict[str, Array]) -> dict[str, str]:
    binds = _binding_nodes(func)
    out: dict[str, str] = {}
    for name, values in binds.items():
        if name in cands:
            continue
        kinds = set()
        for v in values:
            is_for = isinstance(v, ast.For)
            if is_for:  # a loop variable takes the items of what it iterates
                src = v.iter if isinstance(v.target, ast.Name) else None
            else:
                src = v
            if isinstance(src, ast.Subscript) and not isinstance(src.slice, ast.Slice):
                src = src.value
            elif not is_for:
                src = None
            if isinstance(src, ast.Name) and src.id in cands and cands[src.id].dims == 2:
                kinds.add(cands[src.id].kind)
            else:
                kinds.add(None)
        if len(kinds) == 1 and None not in kinds:
            out[name] = kinds.pop()
    return out


def _escapes(func: ast.FunctionDef, cands: dict[str, Array], rows: dict[str, str],
             typer: Typer) -> set[str]:
    """Array candidates used in a way a C array cannot serve."""
    from hlopt.nativize.cython_uses import check_uses

    return check_uses(func, cands, rows, typer)


def maybe_unbound(func: ast.FunctionDef, params: list[str]) -> set[str]:
    """Names that may be read before they are assigned (kept as objects: Python checks)."""
    bad: set[str] = set()

    def block(stmts: list[ast.stmt], bound: set[str]) -> set[str]:
        for s in stmts:
            bound = stmt(s, bound)
        return bound

    def reads(node: ast.AST, bound: set[str]) -> None:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound:
                bad.add(n.id)

    def stores(node: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}

    def stmt(s: ast.stmt, bound: set[str]) -> set[str]:
        if isinstance(s, ast.If | ast.While):
            reads(s.test, bound)
            a = block(s.body, set(bound))
            b = block(s.orelse, set(bound))
            return bound | (a & b) if isinstance(s, ast.If) else bound
        if isinstance(s, ast.For):
            reads(s.iter, bound)
            block(s.body, bound | stores(s.target))
            block(s.orelse, set(bound))
            return bound
        if isinstance(s, ast.Try | ast.With):
            for n in ast.walk(s):
                if isinstance(n, ast.Name):
                    bad.add(n.id)
            return bound
        if isinstance(s, ast.Delete):
            bad.update(n.id for n in ast.walk(s) if isinstance(n, ast.Name))
            return bound
        if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name) \
                and s.target.id not in bound:
            bad.add(s.target.id)
        reads(s, bound)
        return bound | stores(s)

    block(func.body, set(params))
    return bad


def _targets(s: ast.stmt) -> list[ast.AST]:
    if isinstance(s, ast.Assign):
        return [t for t in s.targets if isinstance(t, ast.Name | ast.Tuple | ast.List)]
    if isinstance(s, ast.AnnAssign):
        return [s.target]
    return []


def fallback_safe(func: ast.FunctionDef, analysis: Analysis, params: list[str]) -> bool:
    """True when running the function natively has no effect seen outside it until it returns,
    so an overflow can restart the call in Python."""
    if analysis.mutates_args:
        return False
    for node in ast.walk(func):
        if isinstance(node, ast.ExceptHandler) and _may_catch_overflow(node.type):
            return False
        if isinstance(node, ast.Call) and not _pure_call(node, analysis, params):
            return False
        if isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store):
            root = node.value
            while isinstance(root, ast.Subscript | ast.Attribute):
                root = root.value
            if not isinstance(root, ast.Name) or root.id in analysis.globals_read:
                return False
    return True


def _may_catch_overflow(t: ast.AST | None) -> bool:
    if t is None:
        return True
    names = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "") for n in ast.walk(t)
             if isinstance(n, ast.Name | ast.Attribute)}
    return bool(names & _OVERFLOW_CATCHERS)


def _pure_call(node: ast.Call, analysis: Analysis, params: list[str]) -> bool:
    f = node.func
    if isinstance(f, ast.Name):
        if f.id in analysis.globals_read or f.id in analysis.helpers:
            return False
        return f.id in _PURE_BUILTINS
    if isinstance(f, ast.Attribute):
        if isinstance(f.value, ast.Name) and f.value.id == "math" and "import math" in analysis.imports:
            return True
        if f.attr in MUTATING_METHODS:
            root = f.value
            while isinstance(root, ast.Subscript | ast.Attribute):
                root = root.value
            return isinstance(root, ast.Name) and root.id not in params \
                and root.id not in analysis.globals_read
        root = f.value
        while isinstance(root, ast.Subscript | ast.Attribute | ast.Call):
            root = root.func if isinstance(root, ast.Call) else root.value
        # methods of the function's own values (str, dict, list) that do not mutate
        return isinstance(root, ast.Name | ast.Constant | ast.JoinedStr) and \
            (not isinstance(root, ast.Name) or root.id in _local_or_param(analysis, root.id, params))
    return False


def _local_or_param(analysis: Analysis, name: str, params: list[str]) -> set[str]:
    """``{name}`` when ``name`` is not a module global or imported module, else empty."""
    imported = {t.split()[-1] for t in analysis.imports}
    if name in analysis.globals_read or name in imported or name in analysis.constants:
        return set()
    return {name}


def store_ok(elem: str, value_type: NType | None) -> bool:
    """Whether storing a value of ``value_type`` keeps a C array element exact."""
    want = {"d": "float", "ll": "int", "b": "bool"}.get(elem)
    return value_type is not None and value_type.name == want


def aug_ok(elem: str, op: ast.operator, value_type: NType | None) -> bool:
    if value_type is None:
        return False
    el = NType({"d": "float", "ll": "int", "b": "bool"}.get(elem, "object"))
    return el != OBJECT and binop_type(el, op, value_type) == el


__all__ = ["Array", "Plan", "plan", "T"]
