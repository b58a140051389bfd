"""Analyse a target function: its helpers, constants, imports and globals, and what stops it."""

from __future__ import annotations

import ast
import builtins
import textwrap
from dataclasses import dataclass, field

from hlopt.core.errors import InputError
from hlopt.core.files import ReadError, read_source
from hlopt.core.source import ParseError, parse_ast
from hlopt.nativize.model import (
    REFUSED_CONSTRUCT,
    REFUSED_DEPENDENCY,
    Analysis,
    Refusal,
    Target,
)

_BUILTINS = frozenset(dir(builtins))
#: calls whose meaning depends on the caller's frame or on compiling code at run time
_FRAME_CALLS = {"eval", "exec", "compile", "locals", "vars", "globals", "breakpoint"}
_FRAME_ATTRS = {"_getframe", "currentframe", "stack", "getouterframes", "getframeinfo",
                "f_locals", "f_globals", "f_back", "f_code", "tb_frame"}
#: methods that change the object they are called on
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "add", "discard", "popitem", "__setitem__", "__delitem__", "__iadd__",
    "intersection_update", "difference_update", "symmetric_difference_update",
})
_CONST_NODES = (ast.Constant, ast.UnaryOp, ast.BinOp, ast.Tuple)
_IMMUTABLE = (int, float, str, bytes, bool, complex, type(None))


@dataclass
class _Module:
    """Module-level facts: what each name is bound to, and how many times."""

    tree: ast.Module
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    bindings: dict[str, list[ast.AST]] = field(default_factory=dict)
    imports: dict[str, ast.Import | ast.ImportFrom] = field(default_factory=dict)
    #: names written through setattr(...)/globals()[...] (None: a dynamic name)
    dynamic: set[str | None] = field(default_factory=set)


def analyse(target: Target) -> Analysis:
    """Read ``target``'s module and describe what compiling its function needs."""
    text = _read(target)
    try:
        tree = parse_ast(text, target.path)
    except ParseError as exc:
        f = exc.finding
        raise InputError(f"{target.path}:{f.line}: {f.message}",
                         hint="fix the syntax error, then run nativize again") from exc
    node, owner = _find(tree, target)
    module = _scan_module(tree)
    out = Analysis(target=target, source=_segment(text, node), module_source=text,
                   params=_params(node))
    out.refusals.extend(_decorator_refusals(node, owner))
    out.refusals.extend(refusals(node))
    _dependencies(out, node, module, text)
    out.mutates_args = mutates_args(node)
    out.refusals.sort(key=lambda r: r.line)
    return out


def _read(target: Target) -> str:
    try:
        return read_source(target.path).text
    except ReadError as exc:
        raise InputError(exc.finding.message + f": {target.path}",
                         hint="give an existing Python file as path.py:function") from exc


def _find(tree: ast.Module, target: Target) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef,
                                                     ast.ClassDef | None]:
    """The function (or method) named by ``target.qualname``."""
    parts = target.qualname.split(".")
    body, owner = tree.body, None
    for depth, part in enumerate(parts):
        found = [n for n in body if getattr(n, "name", None) == part
                 and isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        if not found:
            raise InputError(f"{target.path}: no function {target.qualname!r} at module level",
                             hint="name a top-level function or Class.method, e.g. mod.py:func")
        node = found[-1]
        if depth == len(parts) - 1:
            if isinstance(node, ast.ClassDef):
                raise InputError(f"{target.path}: {target.qualname!r} is a class, not a function",
                                 hint="name one of its methods: Class.method")
            return node, owner
        if not isinstance(node, ast.ClassDef):
            raise InputError(f"{target.path}: {part!r} is not a class", hint="use Class.method")
        body, owner = node.body, node
    raise AssertionError("unreachable")


def _segment(text: str, node: ast.AST) -> str:
    lines = text.splitlines(keepends=True)
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return textwrap.dedent("".join(lines[first - 1:node.end_lineno]))


def _params(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = node.args
    return [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]


def _decorator_refusals(node: ast.AST, owner: ast.ClassDef | None) -> list[Refusal]:
    out = []
    for dec in getattr(node, "decorator_list", []):
        if owner is not None and isinstance(dec, ast.Name) and dec.id == "staticmethod":
            continue
        out.append(Refusal(REFUSED_DEPENDENCY, dec.lineno,
                           f"decorator @{ast.unparse(dec)}: the decorated object is not the "
                           "function nativize would compile"))
    a = node.args
    if a.vararg or a.kwarg:
        star = a.vararg or a.kwarg
        out.append(Refusal(REFUSED_CONSTRUCT, star.lineno,
                           f"variable arguments (*{star.arg} / **) are not compiled"))
    return out


def refusals(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Refusal]:
    """Constructs in ``func`` that native code cannot run with Python's exact meaning."""
    out: list[Refusal] = []
    if isinstance(func, ast.AsyncFunctionDef):
        out.append(Refusal(REFUSED_CONSTRUCT, func.lineno, f"async def {func.name}: coroutines "
                           "are not compiled"))
    for node in _walk_body(func):
        why = _construct(node)
        if why:
            out.append(Refusal(why[0], node.lineno, why[1]))
    return out


def _walk_body(func: ast.AST):
    """Every node inside ``func``'s body (decorators and defaults excluded)."""
    for stmt in func.body:
        yield from ast.walk(stmt)


def _construct(node: ast.AST) -> tuple[str, str] | None:
    c = REFUSED_CONSTRUCT
    if isinstance(node, ast.Yield | ast.YieldFrom):
        return c, "yield: generators are not compiled"
    if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith):
        return c, "await/async: coroutines are not compiled"
    if isinstance(node, ast.Global):
        return c, f"global {', '.join(node.names)}: writes to module globals are not compiled"
    if isinstance(node, ast.Nonlocal):
        return c, f"nonlocal {', '.join(node.names)}: closures are not compiled"
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
        kind = "lambda" if isinstance(node, ast.Lambda) else f"nested {type(node).__name__}"
        return c, f"{kind}: closures inside the function are not compiled"
    if isinstance(node, ast.Call):
        return _call_construct(node)
    if isinstance(node, ast.Attribute) and node.attr in _FRAME_ATTRS:
        return c, f"{ast.unparse(node)}: frame introspection differs in native code"
    if isinstance(node, ast.Match):
        return c, "match statement: not compiled"
    return None


def _call_construct(node: ast.Call) -> tuple[str, str] | None:
    f = node.func
    if isinstance(f, ast.Name) and f.id in _FRAME_CALLS:
        return REFUSED_CONSTRUCT, f"{f.id}(): needs the Python frame or compiles code at run time"
    if isinstance(f, ast.Name) and f.id == "super" and not node.args:
        return REFUSED_CONSTRUCT, "super() without arguments needs the class cell"
    if isinstance(f, ast.Name) and f.id in ("setattr", "delattr") and node.args:
        return REFUSED_DEPENDENCY, f"{f.id}(): changes attributes by name at run time"
    return None


def _scan_module(tree: ast.Module) -> _Module:
    m = _Module(tree)
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            m.functions[stmt.name] = stmt
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            for alias in stmt.names:
                name = (alias.asname or alias.name).split(".")[0]
                m.imports[name] = stmt
    for node in ast.walk(tree):
        _record_binding(m, node)
    _module_level_bindings(m, tree.body)
    return m


def _module_level_bindings(m: _Module, body: list[ast.stmt]) -> None:
    """Names bound by module-level statements (descending into if/try/for/with, not defs)."""
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            m.bindings.setdefault(stmt.name, []).append(stmt)
            continue
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            for alias in stmt.names:
                m.bindings.setdefault((alias.asname or alias.name).split(".")[0], []).append(stmt)
            continue
        for node in _shallow(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                m.bindings.setdefault(node.id, []).append(stmt)
        for child in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, child, None)
            if inner and not isinstance(stmt, ast.ClassDef):
                _module_level_bindings(m, [s for s in inner if isinstance(s, ast.stmt)]
                                       + [s for h in inner if isinstance(h, ast.ExceptHandler)
                                          for s in h.body])


def _shallow(stmt: ast.stmt):
    """The nodes of one statement, without its nested statement bodies."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        yield node
        for name, value in ast.iter_fields(node):
            if name in {"body", "orelse", "finalbody", "handlers"}:
                continue
            items = value if isinstance(value, list) else [value]
            stack.extend(v for v in items if isinstance(v, ast.AST))


def _record_binding(m: _Module, node: ast.AST) -> None:
    """``global x`` writes inside functions, setattr(...) and globals()[...] writes."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        declared = {n for s in ast.walk(node) if isinstance(s, ast.Global) for n in s.names}
        for s in ast.walk(node):
            if isinstance(s, ast.Name) and isinstance(s.ctx, ast.Store | ast.Del) \
                    and s.id in declared:
                m.bindings.setdefault(s.id, []).append(s)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("setattr", "delattr") and len(node.args) >= 2:
        key = node.args[1]
        m.dynamic.add(key.value if isinstance(key, ast.Constant) else None)
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del) \
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) \
            and node.value.func.id in ("globals", "vars"):
        key = node.slice
        m.dynamic.add(key.value if isinstance(key, ast.Constant) else None)


def _dependencies(out: Analysis, node: ast.AST, module: _Module, text: str) -> None:
    """Fill helpers, constants, imports and globals_read; refuse reassigned globals."""
    seen_funcs: set[str] = set()
    queue = [(node, out.target.qualname)]
    reads: dict[str, int] = {}
    while queue:
        func, name = queue.pop()
        for gname, line in free_names(func).items():
            reads.setdefault(gname, line)
            helper = module.functions.get(gname)
            if helper is not None and gname not in seen_funcs and gname != name \
                    and _compilable_helper(helper, module, gname):
                seen_funcs.add(gname)
                out.helpers[gname] = _segment(text, helper)
                queue.append((helper, gname))
    for gname, line in sorted(reads.items(), key=lambda kv: kv[1]):
        _classify(out, module, gname, line)


def _compilable_helper(helper: ast.AST, module: _Module, name: str) -> bool:
    return (isinstance(helper, ast.FunctionDef) and not helper.decorator_list
            and not refusals(helper) and len(module.bindings.get(name, [])) == 1
            and name not in module.dynamic and not helper.args.vararg and not helper.args.kwarg)


def _classify(out: Analysis, module: _Module, name: str, line: int) -> None:
    binds = module.bindings.get(name, [])
    if name in module.dynamic or (None in module.dynamic and binds):
        out.refusals.append(Refusal(REFUSED_DEPENDENCY, line, f"global {name!r} is assigned "
                                    "by name (setattr/globals()) elsewhere in the module"))
        return
    if len(binds) > 1:
        lines = ", ".join(str(getattr(b, "lineno", "?")) for b in binds)
        out.refusals.append(Refusal(REFUSED_DEPENDENCY, line, f"global {name!r} is reassigned "
                                    f"in the module (lines {lines}): a monkeypatched global"))
        return
    if name in out.helpers:
        return
    if not binds:
        if name not in _BUILTINS:
            out.globals_read.append(name)
        return
    bind = binds[0]
    if isinstance(bind, ast.Import | ast.ImportFrom) and getattr(bind, "level", 0) == 0:
        text = ast.unparse(_only_alias(bind, name))
        if text not in out.imports:
            out.imports.append(text)
    elif _constant_value(bind, name) is not None:
        out.constants[name] = _constant_value(bind, name)
    else:
        out.globals_read.append(name)


def _only_alias(stmt: ast.Import | ast.ImportFrom, name: str) -> ast.stmt:
    names = [a for a in stmt.names if (a.asname or a.name).split(".")[0] == name]
    if isinstance(stmt, ast.Import):
        return ast.Import(names=names)
    return ast.ImportFrom(module=stmt.module, names=names, level=0)


def _constant_value(stmt: ast.AST, name: str) -> str | None:
    """The source of ``name``'s value when ``stmt`` binds it to an immutable constant."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name):
        value = stmt.value
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        value = stmt.value
    else:
        return None
    try:
        result = const_eval(value)
    except ValueError:
        return None
    return ast.unparse(value) if _immutable(result) else None


def _immutable(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    return type(value) in _IMMUTABLE


def const_eval(node: ast.expr) -> object:
    """Evaluate a constant expression (literals, tuples, + - * ** << etc.); ValueError if not."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(const_eval(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Invert):
        v = const_eval(node.operand)
        ops = {ast.USub: lambda x: -x, ast.UAdd: lambda x: +x, ast.Invert: lambda x: ~x}
        return _apply(ops[type(node.op)], v)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = const_eval(node.left), const_eval(node.right)
        if isinstance(node.op, ast.Pow | ast.LShift) and isinstance(right, int) and right > 4096:
            raise ValueError("too large")
        return _apply(lambda a, b: _BINOPS[type(node.op)](a, b), left, right)
    raise ValueError("not a constant expression")


def _apply(fn, *args):  # noqa: ANN001, ANN202 - tiny evaluator
    try:
        return fn(*args)
    except Exception as exc:
        raise ValueError(str(exc)) from exc


_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Pow: lambda a, b: a ** b, ast.LShift: lambda a, b: a << b,
    ast.RShift: lambda a, b: a >> b, ast.BitOr: lambda a, b: a | b,
    ast.BitAnd: lambda a, b: a & b, ast.BitXor: lambda a, b: a ^ b,
    ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
    ast.Div: lambda a, b: a / b,
}


def free_names(func: ast.AST) -> dict[str, int]:
    """Names ``func`` reads that it does not bind itself (globals or builtins) -> first line."""
    local = local_names(func)
    out: dict[str, int] = {}
    for node in _walk_body(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                and node.id not in local:
            out.setdefault(node.id, node.lineno)
    return out


def local_names(func: ast.AST) -> set[str]:
    """Parameters and every name the function (or its comprehensions) binds."""
    names = set()
    a = func.args
    for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
        if p is not None:
            names.add(p.arg)
    for node in _walk_body(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((al.asname or al.name).split(".")[0] for al in node.names)
    return names


def mutates_args(func: ast.AST) -> bool:
    """True when the function writes into one of its arguments (or a local alias of one)."""
    tainted = set(_params(func))
    changed = True
    while changed:  # locals bound to (parts of) arguments are aliases
        changed = False
        for node in _walk_body(func):
            if isinstance(node, ast.Assign) and _root(node.value) in tainted:
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id not in tainted:
                        tainted.add(t.id)
                        changed = True
            if isinstance(node, ast.For) and _root(node.iter) in tainted \
                    and isinstance(node.target, ast.Name) and node.target.id not in tainted:
                tainted.add(node.target.id)
                changed = True
    return any(_writes_into(node, tainted) for node in _walk_body(func))


def _root(node: ast.AST) -> str | None:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes_into(node: ast.AST, tainted: set[str]) -> bool:
    if isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
        return _root(node.value) in tainted
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in MUTATING_METHODS:
        return _root(node.func.value) in tainted
    return False
