"""The slow-pattern checks of the HLF family, each on one node the walker hands it.

Each check returns a ``Hit`` (or None): where, how deep in loops, the message, and the fix
as text edits computed from the file's own text (``Text``), so a fix rewrites only the
characters of the pattern. See ``slow_scan`` for the walk and docs/debloat.md for the rules.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

SAFE, UNSAFE, DISPLAY = "safe", "unsafe", "display-only"
TextEdit = tuple[int, int, int, int, str]

#: re functions: their parameters in order (the compiled method takes the rest, unchanged)
RE_FUNCS: dict[str, tuple[str, ...]] = {
    **{f: ("pattern", "string", "flags") for f in
       ("match", "search", "fullmatch", "findall", "finditer")},
    "sub": ("pattern", "repl", "string", "count", "flags"),
    "subn": ("pattern", "repl", "string", "count", "flags"),
    "split": ("pattern", "string", "maxsplit", "flags"),
}
_FLAG_NAMES = frozenset(f.name for f in re.RegexFlag if f.name and f.name != "DEBUG") | {
    "I", "L", "M", "S", "U", "X", "A"}
_PAREN_IN_COMP = (ast.IfExp, ast.Lambda, ast.NamedExpr, ast.Yield, ast.YieldFrom,
                  ast.Await, ast.Starred)


@dataclass(slots=True)
class Hit:
    """One finding of the family, before the engine makes it a ``Finding``."""

    code: str
    line: int
    col: int
    end_line: int
    end_col: int
    depth: int
    message: str
    title: str
    how: str
    key: str = ""
    nth: int = 0
    of: int = 1
    fixable: bool = False
    edits: tuple[TextEdit, ...] = ()
    data: dict[str, object] = field(default_factory=dict)


class Text:
    """The file's lines as UTF-8 bytes, for source segments at ``ast`` positions."""

    def __init__(self, text: str) -> None:
        self.lines = text.encode("utf-8").split(b"\n")
        self._names: set[str] | None = None
        self.text = text

    def seg(self, node: ast.AST) -> str:
        return self.span(node.lineno, node.col_offset,  # type: ignore[attr-defined]
                         node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def span(self, line: int, col: int, end_line: int, end_col: int) -> str:
        if line == end_line:
            return self.lines[line - 1][col:end_col].decode("utf-8", "replace")
        parts = [self.lines[line - 1][col:], *self.lines[line:end_line - 1],
                 self.lines[end_line - 1][:end_col]]
        return b"\n".join(parts).decode("utf-8", "replace")

    def names(self) -> set[str]:
        """Every identifier-like word of the file (a new name must not be one of them)."""
        if self._names is None:
            self._names = set(re.findall(r"[A-Za-z_]\w*", self.text))
        return self._names


def hit(code: str, node: ast.AST, depth: int, message: str, title: str,
        how: str = DISPLAY, edits: tuple[TextEdit, ...] = ()) -> Hit:
    n: ast.expr = node  # type: ignore[assignment]
    return Hit(code, n.lineno, n.col_offset, n.end_lineno or n.lineno, n.end_col_offset or 0,
               depth, message, title, how if edits or how == DISPLAY else DISPLAY,
               fixable=bool(edits), edits=edits)


def where(depth: int) -> str:
    return f"loop depth {depth}" if depth else "outside loops"


# -- HLF001 membership test against a list or tuple literal ---------------------------------

def membership(node: ast.Compare, depth: int, text: Text) -> Hit | None:
    for op, comp in zip(node.ops, node.comparators, strict=False):
        if type(op) not in (ast.In, ast.NotIn) or type(comp) not in (ast.List, ast.Tuple):
            continue
        elts = comp.elts  # type: ignore[attr-defined]
        if len(elts) < 3 or any(isinstance(e, ast.Starred) for e in elts):
            continue
        kind = "list" if isinstance(comp, ast.List) else "tuple"
        const = all(isinstance(e, ast.Constant) and isinstance(e.value, str | bytes | int)
                    for e in elts)
        edits: tuple[TextEdit, ...] = ()
        src = text.seg(comp)
        if const and src[:1] in "[(" and src[-1:] in "])":
            edits = ((comp.lineno, comp.col_offset, comp.lineno, comp.col_offset + 1, "{"),
                     (comp.end_lineno or comp.lineno, (comp.end_col_offset or 1) - 1,
                      comp.end_lineno or comp.lineno, comp.end_col_offset or 1, "}"))
        what = "rebuilt and scanned" if not const else "scanned item by item"
        title = ("Use a set literal `{...}`" if edits else
                 "Build a set (or frozenset) once, before the loop, and test against it")
        return hit("HLF001", comp, depth,
                   f"membership test against a {kind} of {len(elts)} items, {what} on every "
                   f"iteration ({where(depth)})", title, UNSAFE, edits)
    return None


# -- HLF002 string building with += ----------------------------------------------------------

def concatenation(node: ast.AugAssign, depth: int, strings: set[str]) -> Hit | None:
    if not isinstance(node.op, ast.Add):
        return None
    value, target = node.value, node.target
    is_str = (isinstance(value, ast.JoinedStr)
              or (isinstance(value, ast.Constant) and isinstance(value.value, str))
              or (isinstance(target, ast.Name) and target.id in strings))
    if not is_str:
        return None
    local = isinstance(target, ast.Name)
    cost = ("may copy the whole string on each step" if local
            else "copies the whole string on each step (quadratic)")
    return hit("HLF002", node, depth, f"string built with `+=` in a loop ({where(depth)}): "
               f"{cost}", "Collect the parts in a list and `''.join()` them once")


# -- HLF003 re function with a constant pattern ------------------------------------------------

@dataclass
class RegexContext:
    """Module facts the regex hoist needs."""

    #: module-level unconditional ``import re [as alias]``: alias -> insertion line (after
    #: the run of imports holding it)
    aliases: dict[str, int]
    #: names bound to re functions by ``from re import search``
    functions: dict[str, str]
    #: (pattern source, flags source) -> constant name, for this file
    constants: dict[tuple[str, str], str] = field(default_factory=dict)


def regex_call(node: ast.Call, depth: int, func_name: str, ctx: RegexContext,
               text: Text) -> Hit | None:
    f = node.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
            and f.value.id in ctx.aliases and f.attr in RE_FUNCS:
        alias, fn = f.value.id, f.attr
    elif isinstance(f, ast.Name) and f.id in ctx.functions:
        alias, fn = "", ctx.functions[f.id]
    else:
        return None
    args = _bind(node, RE_FUNCS[fn])
    if args is None or "pattern" not in args:
        return None
    pattern = args["pattern"]
    if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str | bytes)):
        return None
    edits = _hoist(node, fn, alias, args, func_name, ctx, text) if alias else ()
    return hit("HLF003", node, depth,
               f"`re.{fn}()` with a constant pattern in a loop ({where(depth)}): every call "
               "looks the pattern up in re's cache", "Hoist it to a module-level "
               "`re.compile(...)` constant", SAFE, edits)


def _bind(node: ast.Call, params: tuple[str, ...]) -> dict[str, ast.expr] | None:
    if len(node.args) > len(params) or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    out = dict(zip(params, node.args, strict=False))
    for kw in node.keywords:
        if kw.arg is None or kw.arg not in params or kw.arg in out:
            return None
        out[kw.arg] = kw.value
    return out


def _flags_value(node: ast.expr | None, alias: str) -> int | None:
    if node is None:
        return 0
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value if node.value & re.DEBUG == 0 else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == alias and node.attr in _FLAG_NAMES:
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        a, b = _flags_value(node.left, alias), _flags_value(node.right, alias)
        return None if a is None or b is None else a | b
    return None


def _hoist(node: ast.Call, fn: str, alias: str, args: dict[str, ast.expr], func_name: str,
           ctx: RegexContext, text: Text) -> tuple[TextEdit, ...]:
    """The edits of a safe hoist, or () when it would not be safe."""
    pattern, flags = args["pattern"], args.get("flags")
    value = _flags_value(flags, alias)
    if value is None:
        return ()
    try:
        re.compile(pattern.value, value)  # type: ignore[attr-defined]
    except (re.error, TypeError, ValueError, OverflowError):
        return ()  # compiling at import time would move (or add) the error
    call_src = text.seg(node)
    if "#" in call_src.replace(text.seg(pattern), ""):
        return ()
    key = (text.seg(pattern), text.seg(flags) if flags is not None else "")
    known, first = key in ctx.constants, not ctx.constants
    name = ctx.constants.get(key) or _new_name(func_name, ctx, text)
    ctx.constants[key] = name
    rest = [text.seg(a) for a in node.args if a is not pattern and a is not flags]
    rest += [f"{kw.arg}={text.seg(kw.value)}" for kw in node.keywords
             if kw.value is not pattern and kw.value is not flags]
    call = (node.lineno, node.col_offset, node.end_lineno or node.lineno,
            node.end_col_offset or 0, f"{name}.{fn}({', '.join(rest)})")
    if known:  # the constant is defined by the fix of an earlier call
        return (call,)
    line = ctx.aliases[alias] + 1
    # after the import block, set off by a blank line as isort and PEP 8 lay it out
    compiled = ("\n" if first else "") + \
        f"{name} = {alias}.compile({key[0]}{', ' + key[1] if key[1] else ''})\n"
    return ((line, 0, line, 0, compiled), call)


def _new_name(func_name: str, ctx: RegexContext, text: Text) -> str:
    base = re.sub(r"\W|^_+|_+$", "", func_name).upper() or "PATTERN"
    taken = text.names() | set(ctx.constants.values())
    name, n = f"_{base}_RE", 1
    while name in taken:
        n += 1
        name = f"_{base}_RE_{n}"
    return name


# -- HLF005 sorted(x)[0] / sorted(x)[-1] -------------------------------------------------------

def sorted_index(node: ast.Subscript, depth: int, text: Text) -> Hit | None:
    call, index = node.value, node.slice
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "sorted" and len(call.args) == 1
            and not isinstance(call.args[0], ast.Starred)):
        return None
    if isinstance(index, ast.Constant) and index.value == 0 and type(index.value) is int:
        first = True
    elif isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub) \
            and isinstance(index.operand, ast.Constant) and index.operand.value == 1:
        first = False
    else:
        return None
    kws = {kw.arg: kw.value for kw in call.keywords}
    if None in kws or set(kws) - {"key", "reverse"}:
        return None
    reverse = kws.get("reverse")
    if reverse is not None and not (isinstance(reverse, ast.Constant)
                                    and isinstance(reverse.value, bool)):
        return hit("HLF005", node, depth, "`sorted(...)` sorts the whole input to take one "
                   "item", "Use `min(...)` or `max(...)`")
    if reverse is not None and reverse.value:  # type: ignore[attr-defined]
        first = not first
    which = "min" if first else "max"
    args = [text.seg(call.args[0])]
    if "key" in kws:
        args.append(f"key={text.seg(kws['key'])}")
    edits = ((node.lineno, node.col_offset, node.end_lineno or node.lineno,
              node.end_col_offset or 0, f"{which}({', '.join(args)})"),)
    if "#" in text.seg(node).replace(text.seg(call.args[0]), ""):
        edits = ()
    return hit("HLF005", node, depth, f"`sorted(...)[{'0' if first else '-1'}]` sorts the "
               f"whole input to take its {'smallest' if first else 'largest'} item "
               f"({where(depth)})", f"Replace with `{which}(...)`", UNSAFE, edits)


# -- HLF008 list built by append ----------------------------------------------------------------

def append_loop(prev: ast.stmt | None, loop: ast.For, depth: int, text: Text) -> Hit | None:
    if not (isinstance(prev, ast.Assign) and len(prev.targets) == 1
            and isinstance(prev.targets[0], ast.Name) and isinstance(prev.value, ast.List)
            and not prev.value.elts) or loop.orelse or len(loop.body) != 1:
        return None
    name = prev.targets[0].id
    stmt, test = loop.body[0], None
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
        stmt, test = stmt.body[0], stmt.test
    value = _appended(stmt, name)
    if value is None:
        return None
    edits: tuple[TextEdit, ...] = ()
    span = text.span(prev.lineno, prev.col_offset, loop.end_lineno or loop.lineno,
                     loop.end_col_offset or 0)
    mentions = [n for part in (value, loop.iter, test, loop.target) if part is not None
                for n in ast.walk(part) if isinstance(n, ast.Name) and n.id == name]
    if "#" not in span and not mentions:
        comp = (f"{name} = [{_wrap(value, text)} for {text.seg(loop.target)} in "
                f"{_wrap(loop.iter, text)}{' if ' + _wrap(test, text) if test else ''}]")
        edits = ((prev.lineno, prev.col_offset, loop.end_lineno or loop.lineno,
                  loop.end_col_offset or 0, comp),)
    return hit("HLF008", stmt, depth + 1, f"list `{name}` built with `.append()` in a loop "
               f"({where(depth + 1)}): a comprehension builds it faster",
               "Replace with a list comprehension", UNSAFE, edits)


def _appended(stmt: ast.stmt, name: str) -> ast.expr | None:
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return None
    call = stmt.value
    f = call.func
    if (isinstance(f, ast.Attribute) and f.attr == "append" and isinstance(f.value, ast.Name)
            and f.value.id == name and len(call.args) == 1 and not call.keywords
            and not isinstance(call.args[0], ast.Starred)):
        return call.args[0]
    return None


def _wrap(node: ast.expr, text: Text) -> str:
    src = text.seg(node)
    bare_tuple = isinstance(node, ast.Tuple) and not src.startswith("(")
    return f"({src})" if isinstance(node, _PAREN_IN_COMP) or bare_tuple else src
