"""Find the regular-expression calls of one file: ``re``/``regex`` functions through aliases.

A call site is ``re.compile(...)`` (or ``match``, ``search``, ``fullmatch``, ``sub``,
``subn``, ``split``, ``findall``, ``finditer``) where ``re`` is any name bound to the
``re`` or ``regex`` module, or a name imported from them (``from re import match as m``).
The pattern is known when it is a literal, a sum of literals, or a module-level name
assigned a literal exactly once; anything else is built at run time and never guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from hlopt.debloat.import_scan import iter_nodes

MODULES = ("re", "regex")
FUNCS = frozenset({"compile", "match", "search", "fullmatch", "sub", "subn", "split",
                   "findall", "finditer"})
#: where the pattern and the flags are among the positional arguments
_FLAGS_AT = {"compile": 1, "sub": 4, "subn": 4, "split": 3}
_FLAG_NAMES = frozenset({"A", "ASCII", "I", "IGNORECASE", "L", "LOCALE", "M", "MULTILINE",
                         "S", "DOTALL", "U", "UNICODE", "X", "VERBOSE", "NOFLAG"})
_META = frozenset(".^$*+?{}[]\\|()")
#: a file that never imports re or regex has no call to look at (a quick text test)
_IMPORTS_RE = re.compile(r"^[ \t]*(?:import[ \t][^\n#]*\b(?:re|regex)\b|"
                         r"from[ \t]+(?:re|regex)[ \t]+import)", re.MULTILINE)


@dataclass
class Call:
    """One regex call site; ``pattern`` is None when it is built at run time."""

    line: int
    col: int
    end_line: int
    end_col: int
    module: str
    func: str
    pattern: str | bytes | None
    #: the int flags, None when an argument is not a constant
    flags: int | None
    #: the str-method expression that does the same, "" when there is none
    replacement: str = ""
    #: the call's source (the fix rewrites only a call that still reads the same)
    source: str = ""


def find_calls(tree: ast.Module, text: str) -> list[Call]:
    """Every regex call of the file, in source order (one walk over the tree)."""
    if not _IMPORTS_RE.search(text):
        return []
    names = _Bindings()
    stores: dict[str, int] = {}
    bools: set[int] = set()
    calls: list[ast.Call] = []
    for node in iter_nodes(tree):
        t = type(node)
        if t is ast.Call:
            calls.append(node)  # type: ignore[arg-type]
            _mark_bool_call(node, bools)  # type: ignore[arg-type]
        elif t is ast.Name:
            if type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
                stores[node.id] = stores.get(node.id, 0) + 1  # type: ignore[attr-defined]
        elif t is ast.Import or t is ast.ImportFrom:
            names.add(node)  # type: ignore[arg-type]
        elif t in _TESTS:
            _mark_bool(node, bools)
    if not names.modules and not names.funcs:
        return []
    consts = _module_constants(tree, stores)
    source = Segments(text)
    out = []
    for node in calls:
        target = names.target(node.func)
        if target is not None:
            out.append(_call(node, target, consts, names, source, id(node) in bools))
    out.sort(key=lambda c: (c.line, c.col))
    return out


class Segments:
    """``ast.get_source_segment`` without splitting the whole text on every call."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def __call__(self, node: ast.expr) -> str:
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        start, end = node.col_offset, node.end_col_offset or 0
        if not 0 <= first <= last < len(self.lines):
            return ""
        if first == last:
            return self.lines[first].encode()[start:end].decode(errors="replace")
        head = self.lines[first].encode()[start:].decode(errors="replace")
        tail = self.lines[last].encode()[:end].decode(errors="replace")
        return head + "".join(self.lines[first + 1:last]) + tail

    def line(self, n: int) -> str:
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""


class _Bindings:
    """Names bound to the re/regex modules and to their functions and flags."""

    def __init__(self) -> None:
        self.modules: dict[str, str] = {}
        self.funcs: dict[str, tuple[str, str]] = {}
        self.flags: dict[str, str] = {}

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in MODULES:
                    self.modules[a.asname or a.name] = a.name
        elif node.module in MODULES and not node.level:
            for a in node.names:
                if a.name in FUNCS:
                    self.funcs[a.asname or a.name] = (node.module, a.name)  # type: ignore[assignment]
                elif a.name in _FLAG_NAMES:
                    self.flags[a.asname or a.name] = a.name

    def target(self, func: ast.expr) -> tuple[str, str] | None:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module = self.modules.get(func.value.id)
            return (module, func.attr) if module and func.attr in FUNCS else None
        if isinstance(func, ast.Name):
            return self.funcs.get(func.id)
        return None

    def flag(self, node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            a, b = self.flag(node.left), self.flag(node.right)
            return None if a is None or b is None else a | b
        name = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in self.modules:
            name = node.attr
        elif isinstance(node, ast.Name):
            name = self.flags.get(node.id)
        if name in _FLAG_NAMES:
            return int(getattr(re, name, 0))
        return None


def _module_constants(tree: ast.Module, stores: dict[str, int]) -> dict[str, str | bytes]:
    """Module-level names assigned a str/bytes literal once and never rebound."""
    out: dict[str, str | bytes] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and stores[stmt.targets[0].id] == 1:
            value = fold(stmt.value, out)
            if value is not None:
                out[stmt.targets[0].id] = value
    return out


def fold(node: ast.expr, consts: dict[str, str | bytes]) -> str | bytes | None:
    """The str/bytes value of a literal, a sum of literals or a known constant name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = fold(node.left, consts), fold(node.right, consts)
        if a is not None and b is not None and type(a) is type(b):
            return a + b  # type: ignore[operator]
    return None


_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert, ast.comprehension, ast.UnaryOp)


def _mark_bool(node: ast.AST, out: set[int]) -> None:
    """Mark the expressions ``node`` only tests for truth."""
    if isinstance(node, ast.comprehension):
        for cond in node.ifs:
            _mark(cond, out)
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            _mark(node.operand, out)
    else:
        _mark(node.test, out)  # type: ignore[attr-defined]


def _mark_bool_call(node: ast.Call, out: set[int]) -> None:
    if isinstance(node.func, ast.Name) and node.func.id == "bool" and len(node.args) == 1:
        _mark(node.args[0], out)


def _mark(n: ast.expr, out: set[int]) -> None:
    out.add(id(n))
    if isinstance(n, ast.BoolOp):
        for v in n.values:
            _mark(v, out)


def _arg(node: ast.Call, pos: int, name: str) -> ast.expr | None:
    if len(node.args) > pos and not any(isinstance(a, ast.Starred) for a in node.args[:pos + 1]):
        return node.args[pos]
    return next((k.value for k in node.keywords if k.arg == name), None)


def _call(node: ast.Call, target: tuple[str, str], consts: dict[str, str | bytes],
          names: _Bindings, text: Segments, in_bool: bool) -> Call:
    module, func = target
    pat_node = _arg(node, 0, "pattern")
    pattern = fold(pat_node, consts) if pat_node is not None else None
    flags_node = _arg(node, _FLAGS_AT.get(func, 2), "flags")
    flags = 0 if flags_node is None else names.flag(flags_node)
    call = Call(node.lineno, node.col_offset + 1, node.end_lineno or node.lineno,
                (node.end_col_offset or 0) + 1, module, func, pattern, flags)
    if pattern is not None and pat_node is not None and not node.keywords \
            and is_plain(pattern):
        call.replacement = _str_method(node, func, pattern, text, in_bool)
        call.source = text(node) if call.replacement else ""
    return call


def is_plain(pattern: str | bytes) -> bool:
    """A non-empty pattern without metacharacters: it matches only itself."""
    chars = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    return bool(chars) and not (set(chars) & _META)


def _str_method(node: ast.Call, func: str, pattern: str | bytes, text: Segments,
                in_bool: bool) -> str:
    """The str method that does what the call does ("" when none does)."""
    if (node.end_lineno or 0) > node.lineno and "#" in text(node):
        return ""
    if not text.line(node.lineno).isascii():  # ast columns count bytes, libcst's characters
        return ""
    pat = text(node.args[0]) if node.args else None
    if func in ("match", "search", "fullmatch") and len(node.args) == 2 and in_bool and pat:
        subject = node.args[1]
        if func == "match":
            return f"{_atom(subject, text)}.startswith({pat})"
        if func == "search":
            return f"{pat} in {_operand(subject, text)}"
        return f"{_operand(subject, text)} == {pat}"
    if func == "sub" and len(node.args) == 3 and pat:
        repl = node.args[1]
        value = repl.value if isinstance(repl, ast.Constant) else None
        if type(value) is type(pattern) and b"\\" not in _raw(value):
            return f"{_atom(node.args[2], text)}.replace({pat}, {text(repl)})"
    return ""


def _raw(value: object) -> bytes:
    return value.encode("utf-8", "replace") if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]


_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant, ast.List,
          ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _atom(node: ast.expr, text: Segments) -> str:
    src = text(node)
    plain = isinstance(node, _ATOMS) and not (isinstance(node, ast.Constant)
                                              and isinstance(node.value, int | float))
    return src if plain else f"({src})"


def _operand(node: ast.expr, text: Segments) -> str:
    src = text(node)
    loose = (ast.BoolOp, ast.IfExp, ast.Lambda, ast.NamedExpr, ast.Compare, ast.UnaryOp)
    return f"({src})" if isinstance(node, loose) else src
