"""One pass over a file's ``ast`` for the slow-pattern family, tracking loop depth.

The walk keeps, per function, the number of enclosing loops (``for``, ``while`` and
comprehensions) and a frame per loop statement: an innermost loop (one with no loop inside)
counts the attribute chains its body reads and the names it stores, for HLF006, and its
shape decides HLF007. The pattern checks themselves are in ``slow_checks``.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

from hlopt.debloat.import_scan import dotted_name, iter_nodes
from hlopt.debloat.slow_checks import (
    RE_FUNCS,
    Hit,
    RegexContext,
    Text,
    append_loop,
    concatenation,
    hit,
    membership,
    regex_call,
    sorted_index,
    where,
)
from hlopt.debloat.slow_walk import _FIELDS, child_fields

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SIMPLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Pass,
           ast.Continue, ast.Break, ast.Raise, ast.Delete)
#: reads of one attribute chain per iteration of an innermost loop before HLF006 reports it
LOOKUP_THRESHOLD = 3


@dataclass(slots=True)
class _Frame:
    node: ast.For | ast.AsyncFor | ast.While
    depth: int
    innermost: bool = True
    reads: Counter[str] = field(default_factory=Counter)
    first: dict[str, ast.expr] = field(default_factory=dict)
    stores: set[str] = field(default_factory=set)


def scan(tree: ast.Module, text: str) -> list[Hit]:
    """Every slow pattern of one module, with keys to find fixable ones again."""
    s = _Scanner(tree, Text(text))
    s.stmts(tree.body, 0, "")
    hits = s.hits
    counts: Counter[str] = Counter()
    for h in hits:
        if h.fixable:
            h.nth = counts[h.key]
            counts[h.key] += 1
    for h in hits:
        if h.fixable:
            h.of = counts[h.key]
    return hits


class _Scanner:
    def __init__(self, tree: ast.Module, text: Text) -> None:
        self.text = text
        self.hits: list[Hit] = []
        self.frames: list[_Frame | None] = []
        #: names known to hold a str in the current function (assigned a str literal)
        self.strings: set[str] = set()
        self.modules: set[str] = set()
        self.defined: set[str] = set()
        self.regex = RegexContext({}, {})
        self._module_facts(tree.body)

    def _module_facts(self, body: list[ast.stmt]) -> None:
        run_end = 0
        for i, node in enumerate(body):
            if isinstance(node, ast.Import | ast.ImportFrom):
                j = i
                while j + 1 < len(body) and isinstance(body[j + 1], ast.Import | ast.ImportFrom):
                    j += 1
                run_end = max(run_end, body[j].end_lineno or body[j].lineno)
                self._import(node, run_end)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.defined.add(node.name)
            elif isinstance(node, ast.Assign):
                self.defined.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def _import(self, node: ast.Import | ast.ImportFrom, run_end: int) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                bound = a.asname or a.name.split(".", 1)[0]
                self.modules.add(bound)
                if a.name == "re" and run_end < len(self.text.lines):
                    self.regex.aliases[bound] = run_end
        elif node.module == "re" and node.level == 0:
            for a in node.names:
                if a.name in RE_FUNCS:
                    self.regex.functions[a.asname or a.name] = a.name

    # -- statements --------------------------------------------------------------------------

    def stmts(self, body: list[ast.stmt], depth: int, fn: str) -> None:
        prev: ast.stmt | None = None
        for node in body:
            self.stmt(node, depth, fn, prev)
            prev = node

    def stmt(self, node: ast.stmt, depth: int, fn: str, prev: ast.stmt | None) -> None:
        t = type(node)
        if t in _FUNCS:
            self.function(node, fn)  # type: ignore[arg-type]
        elif t is ast.For or t is ast.AsyncFor:
            self.for_loop(node, depth, fn, prev)  # type: ignore[arg-type]
        elif t is ast.While:
            self.expr(node.test, depth + 1, fn)  # type: ignore[attr-defined]
            self.loop(node, node.body, depth + 1, fn)  # type: ignore[attr-defined]
            self.stmts(node.orelse, depth, fn)  # type: ignore[attr-defined]
        elif t is ast.ClassDef:
            for e in (*node.bases, *node.decorator_list):  # type: ignore[attr-defined]
                self.expr(e, depth, fn)
            self.stmts(node.body, depth, fn)  # type: ignore[attr-defined]
        else:
            if t is ast.Assign or t is ast.AugAssign or t is ast.AnnAssign:
                self.assignment(node, depth)
            self.generic(node, depth, fn)

    def generic(self, node: ast.AST, depth: int, fn: str) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.expr):
                self.expr(value, depth, fn)
            elif isinstance(value, list) and value:
                first = value[0]
                if isinstance(first, ast.stmt):
                    self.stmts(value, depth, fn)
                elif isinstance(first, ast.expr):
                    for v in value:
                        self.expr(v, depth, fn)
                elif isinstance(first, ast.excepthandler | ast.match_case | ast.withitem):
                    for v in value:
                        self.generic(v, depth, fn)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, fn: str) -> None:
        for e in node.decorator_list:
            self.expr(e, 0, fn)
        saved = self.strings
        self.strings = set()
        self.frames.append(None)
        self.stmts(node.body, 0, node.name)
        self.frames.pop()
        self.strings = saved

    def assignment(self, node: ast.stmt, depth: int) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore
        value = getattr(node, "value", None)
        if isinstance(node, ast.AugAssign):
            h = concatenation(node, depth, self.strings) if depth else None
            if h is not None:
                self.hits.append(h)
        elif isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str)):
            self.strings.update(t.id for t in targets if isinstance(t, ast.Name))
        frame = self.frames[-1] if self.frames else None
        if frame is not None:
            for t in targets:
                _stores(t, frame.stores)

    def for_loop(self, node: ast.For | ast.AsyncFor, depth: int, fn: str,
                 prev: ast.stmt | None) -> None:
        self.expr(node.iter, depth, fn)
        if isinstance(node, ast.For):
            h = append_loop(prev, node, depth, self.text)
            h = h or self.range_len(node, depth + 1)
            if h is not None:
                self.key(h, node, fn)
        self.loop(node, node.body, depth + 1, fn)
        self.stmts(node.orelse, depth, fn)

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, body: list[ast.stmt],
             depth: int, fn: str) -> None:
        parent = self.frames[-1] if self.frames else None
        if parent is not None:
            parent.innermost = False
        frame = _Frame(node, depth)
        if not isinstance(node, ast.While):
            _stores(node.target, frame.stores)
        self.frames.append(frame)
        self.stmts(body, depth, fn)
        self.frames.pop()
        if frame.innermost:
            self.innermost(frame)

    # -- expressions -------------------------------------------------------------------------

    def expr(self, root: ast.expr, depth: int, fn: str) -> None:
        frame = self.frames[-1] if self.frames else None
        stack: list[tuple[ast.AST, int]] = [(root, depth)]
        while stack:
            node, d = stack.pop()
            t = type(node)
            if t is ast.Attribute:
                if self.attribute(node, frame):  # type: ignore[arg-type]
                    continue
            elif t is ast.Compare and d:
                self.add(membership(node, d, self.text), node, fn)  # type: ignore[arg-type]
            elif t is ast.Call and d:
                self.add(regex_call(node, d, fn, self.regex, self.text),  # type: ignore
                         node, fn)
            elif t is ast.Subscript and "sorted" not in self.defined:
                self.add(sorted_index(node, d, self.text), node, fn)  # type: ignore[arg-type]
            elif t in _COMPS:
                d += 1
            elif t is ast.Lambda:
                continue
            elif t is ast.NamedExpr and frame is not None:
                frame.stores.add(node.target.id)  # type: ignore[attr-defined]
            fields = _FIELDS.get(t)
            if fields is None:
                fields = child_fields(t)
            for name in fields:
                v = getattr(node, name)
                if v is None:
                    continue
                if type(v) is list:
                    stack.extend([(c, d) for c in v])
                else:
                    stack.append((v, d))

    def attribute(self, node: ast.Attribute, frame: _Frame | None) -> bool:
        """Count a loaded chain ``a.b.c`` in the loop frame; True when it was a chain."""
        parts = [node.attr]
        value = node.value
        while isinstance(value, ast.Attribute):
            parts.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name):
            return False
        if frame is not None and isinstance(node.ctx, ast.Load) and (
                len(parts) >= 2 or value.id in self.modules):
            dotted = ".".join([value.id, *reversed(parts)])
            frame.reads[dotted] += 1
            seen = frame.first.get(dotted)
            if seen is None or (node.lineno, node.col_offset) < (seen.lineno, seen.col_offset):
                frame.first[dotted] = node
        return True

    def add(self, h: Hit | None, node: ast.AST, fn: str) -> None:
        if h is not None:
            self.key(h, node, fn)

    def key(self, h: Hit, node: ast.AST, fn: str) -> None:
        if h.fixable:
            h.key = f"{h.code}|{fn}|{ast.unparse(node)}"
        self.hits.append(h)

    # -- loop-level checks -------------------------------------------------------------------

    def range_len(self, node: ast.For, depth: int) -> Hit | None:
        """HLF004: ``for i in range(len(x))`` whose body only reads ``x[i]``."""
        it, target = node.iter, node.target
        if not (isinstance(target, ast.Name) and isinstance(it, ast.Call)
                and isinstance(it.func, ast.Name) and it.func.id == "range"
                and len(it.args) == 1 and not it.keywords and isinstance(it.args[0], ast.Call)
                and isinstance(it.args[0].func, ast.Name) and it.args[0].func.id == "len"
                and len(it.args[0].args) == 1) or {"range", "len"} & self.defined:
            return None
        seq = dotted_name(it.args[0].args[0])
        if seq is None:
            return None
        uses = indexed = stored = 0
        for stmt in node.body:
            for n in iter_nodes(stmt):
                if isinstance(n, ast.Name) and n.id == target.id:
                    uses += 1
                elif isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Name) \
                        and n.slice.id == target.id and dotted_name(n.value) == seq:
                    indexed += 1
                    stored += not isinstance(n.ctx, ast.Load)
        if not indexed or uses != indexed:
            return None
        title = (f"Use `for i, item in enumerate({seq})`" if stored
                 else f"Iterate over `{seq}` directly")
        return hit("HLF004", node, depth, f"`for {target.id} in range(len({seq}))` only "
                   f"indexes `{seq}` ({where(depth)})", title)

    def innermost(self, frame: _Frame) -> None:
        """HLF006 (repeated lookups) and HLF007 (try/except in a tight nested loop)."""
        for dotted, n in frame.reads.items():
            if n >= LOOKUP_THRESHOLD and not _invalidated(dotted, frame.stores):
                h = hit("HLF006", frame.first[dotted], frame.depth,
                        f"`{dotted}` looked up {n} times per iteration of the innermost loop "
                        f"({where(frame.depth)})",
                        f"Bind `{dotted}` to a local name before the loop")
                h.data["lookups"] = n
                self.hits.append(h)
        body = frame.node.body
        if frame.depth >= 2 and len(body) == 1 and isinstance(body[0], ast.Try) \
                and body[0].handlers and len(body[0].body) <= 2 \
                and all(isinstance(s, _SIMPLE) for s in body[0].body):
            self.hits.append(hit(
                "HLF007", body[0], frame.depth,
                f"try/except is the whole body of a nested loop ({where(frame.depth)}): "
                "free to enter since Python 3.11, but every raised exception costs far more "
                "than the body", "Move the try outside the inner loop, or test instead of "
                "catching when the exception is common"))


def _stores(target: ast.expr, out: set[str]) -> None:
    for n in iter_nodes(target):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            d = dotted_name(n)
            if d:
                out.add(d)


def _invalidated(dotted: str, stores: set[str]) -> bool:
    root = dotted.split(".", 1)[0]
    return root in stores or any(dotted == s or dotted.startswith(s + ".") for s in stores)
