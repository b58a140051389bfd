"""Python's scopes, rebuilt from the ``ast``: which name occurrence refers to which binding.

``build_scopes`` follows the language reference (function, lambda, comprehension and class
scopes; ``global``/``nonlocal``; the first iterable of a comprehension and a function's
decorators, defaults and annotations evaluated in the enclosing scope; ``:=`` binding in
the enclosing function). ``check_with_symtable`` then compares each function's locals
with CPython's own ``symtable``; a scope where the two disagree is never renamed.
"""

from __future__ import annotations

import ast
import symtable
from collections.abc import Iterator
from dataclasses import dataclass, field

Key = tuple[int, int]
FUNCTION_KINDS = frozenset({"function", "lambda", "comprehension"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_COMP_NAMES = {ast.ListComp: "listcomp", ast.SetComp: "setcomp",
               ast.GeneratorExp: "genexpr", ast.DictComp: "dictcomp"}
#: calls that read or run code against a frame's local names
_DYNAMIC_CALLS = {"locals": "locals()", "exec": "exec()", "eval": "eval()"}
_DYNAMIC_NOARG = {"vars": "vars()", "dir": "dir()"}
_FRAME_ATTRS = {"_getframe": "sys._getframe()", "currentframe": "inspect.currentframe()",
                "f_locals": "frame.f_locals", "stack": "inspect.stack()"}


@dataclass(frozen=True)
class Occurrence:
    """One place a name is written: a Name or parameter, an ``except`` target, a nonlocal."""

    name: str
    key: Key
    kind: str = "name"  # "name" | "except" | "nonlocal" | "global"


@dataclass(eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope."""

    kind: str
    name: str
    lineno: int
    parent: Scope | None
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    #: parameters callers may pass by keyword: their names are part of the interface
    fixed: set[str] = field(default_factory=set)
    #: bound by def/class/import/match: renaming would change ``__name__`` or gain nothing
    keep: set[str] = field(default_factory=set)
    first_param: str | None = None
    #: for a def: its key, whether it sits in a class body, and its decorators' last names
    key: Key | None = None
    in_class: bool = False
    decorators: frozenset[str | None] = frozenset()
    #: why this scope's names cannot be renamed (``locals()``, ``exec()``, ...), or None
    dynamic: str | None = None
    #: set when the scope does not match CPython's symtable
    unverified: bool = False
    children: list[Scope] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    #: names read inside f-strings or annotations here (their text is visible at run time)
    visible_text: set[str] = field(default_factory=set)

    @property
    def locals(self) -> set[str]:
        return self.bound - self.declared_global - self.declared_nonlocal

    def walk(self) -> Iterator[Scope]:
        yield self
        for child in self.children:
            yield from child.walk()


class _Builder(ast.NodeVisitor):
    """Builds the scope tree and records every name occurrence with its scope."""

    def __init__(self, col: ColumnMap, defs: dict[int, Key]) -> None:
        self.col = col
        self.defs = defs
        self.scope = Scope("module", "top", 0, None)
        self.module = self.scope
        self.text_depth = 0  # > 0 inside an f-string or an annotation

    # -- scopes -------------------------------------------------------------------
    def _child(self, kind: str, name: str, node: ast.AST) -> Scope:
        child = Scope(kind, name, getattr(node, "lineno", 0), self.scope)
        self.scope.children.append(child)
        return child

    def _inside(self, scope: Scope, nodes: list[ast.AST]) -> None:
        saved, self.scope = self.scope, scope
        for n in nodes:
            self.visit(n)
        self.scope = saved

    def _annotation(self, node: ast.AST | None) -> None:
        if node is not None:
            self.text_depth += 1
            self.visit(node)
            self.text_depth -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.bound.add(node.name)
        self.scope.keep.add(node.name)
        for d in node.decorator_list:
            self.visit(d)
        self._defaults(node.args)
        for a in _all_args(node.args):
            self._annotation(a.annotation)
        self._annotation(node.returns)
        in_class = self.scope.kind == "class"
        child = self._child("function", node.name, node)
        child.key, child.in_class = self.defs[id(node)], in_class
        child.decorators = frozenset(_last_name(d) for d in node.decorator_list)
        if getattr(node, "type_params", None):
            child.dynamic = "type parameters"
        self._params(child, node.args)
        self._inside(child, list(node.body))

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._defaults(node.args)
        child = self._child("lambda", "lambda", node)
        self._params(child, node.args)
        self._inside(child, [node.body])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.bound.add(node.name)
        self.scope.keep.add(node.name)
        for n in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(n)
        child = self._child("class", node.name, node)
        if getattr(node, "type_params", None):
            child.dynamic = "type parameters"
        self._inside(child, list(node.body))

    def _comprehension(self, node: ast.AST) -> None:
        gens: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(gens[0].iter)
        child = self._child("comprehension", _COMP_NAMES[type(node)], node)
        saved, self.scope = self.scope, child
        for i, gen in enumerate(gens):
            if i:
                self.visit(gen.iter)
            self.visit(gen.target)
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)  # type: ignore[attr-defined]
        self.scope = saved

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def _defaults(self, args: ast.arguments) -> None:
        for d in [*args.defaults, *args.kw_defaults]:
            if d is not None:
                self.visit(d)

    def _params(self, scope: Scope, args: ast.arguments) -> None:
        free = [*args.posonlyargs, *filter(None, [args.vararg, args.kwarg])]
        fixed = [*args.args, *args.kwonlyargs]
        ordered = [*args.posonlyargs, *args.args]
        scope.first_param = ordered[0].arg if ordered else None
        for a in [*free, *fixed]:
            scope.bound.add(a.arg)
            scope.occurrences.append(Occurrence(a.arg, self.col.key(a)))
        scope.fixed.update(a.arg for a in fixed)

    # -- names --------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self.scope.bound.add(node.id)
        elif node.id in _DYNAMIC_CALLS:
            self.scope.dynamic = self.scope.dynamic or _DYNAMIC_CALLS[node.id]
        if self.text_depth:
            self.scope.visible_text.add(node.id)
        self.scope.occurrences.append(Occurrence(node.id, self.col.key(node)))

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        target = self.scope
        while target.kind == "comprehension" and target.parent is not None:
            target = target.parent
        target.bound.add(node.target.id)
        self.scope.occurrences.append(Occurrence(node.target.id, self.col.key(node.target)))
        self.visit(node.value)

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)
        key = self.col.key(node)
        self.scope.occurrences.extend(Occurrence(n, key, "global") for n in node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.declared_nonlocal.update(node.names)
        key = self.col.key(node)
        self.scope.occurrences.extend(Occurrence(n, key, "nonlocal") for n in node.names)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scope.bound.add(node.name)
            self.scope.occurrences.append(Occurrence(node.name, self.col.key(node), "except"))
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self.scope.bound.add(bound)
            self.scope.keep.add(bound)

    visit_ImportFrom = visit_Import  # type: ignore[assignment]

    def _match_name(self, name: str | None) -> None:
        if name:
            self.scope.bound.add(name)
            self.scope.keep.add(name)

    def visit_MatchAs(self, node: ast.AST) -> None:
        self._match_name(node.name)  # type: ignore[attr-defined]
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.AST) -> None:
        self._match_name(node.name)  # type: ignore[attr-defined]

    def visit_MatchMapping(self, node: ast.AST) -> None:
        self._match_name(node.rest)  # type: ignore[attr-defined]
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.text_depth += 1
        self.generic_visit(node)
        self.text_depth -= 1

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self._annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_arg(self, node: ast.arg) -> None:  # parameters are handled by _params
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _DYNAMIC_NOARG and not node.args:
            self.scope.dynamic = self.scope.dynamic or _DYNAMIC_NOARG[func.id]
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _FRAME_ATTRS:
            self.scope.dynamic = self.scope.dynamic or _FRAME_ATTRS[node.attr]
        self.generic_visit(node)


def _last_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _all_args(args: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *extra]


def def_keys(tree: ast.AST) -> dict[int, Key]:
    """Each def and class (by ``id``) -> ``(n, 0)``, n its 1-based place in source order.

    libcst visits definitions in the same order, so both sides agree without positions.
    """
    defs = [n for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    defs.sort(key=lambda n: (n.lineno, n.col_offset))
    return {id(n): (i, 0) for i, n in enumerate(defs, 1)}


class ColumnMap:
    """Converts ``ast`` columns (UTF-8 bytes) to character columns, as libcst counts them."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def char_col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def key(self, node: ast.AST) -> Key:
        line = node.lineno  # type: ignore[attr-defined]
        return (line, self.char_col(line, node.col_offset))  # type: ignore[attr-defined]


def build_scopes(tree: ast.Module, text: str) -> Scope:
    """The scope tree of ``tree`` (parsed from ``text``), every occurrence recorded."""
    builder = _Builder(ColumnMap(text), def_keys(tree))
    for stmt in tree.body:
        builder.visit(stmt)
    return builder.module


def resolve(scope: Scope, name: str) -> Scope | None:
    """The scope whose binding ``name`` refers to when read in ``scope`` (None: global)."""
    if name in scope.declared_global:
        return None
    if name in scope.bound and name not in scope.declared_nonlocal:
        return scope if scope.kind != "module" else None
    s = scope.parent
    while s is not None and s.kind != "module":
        if s.kind in FUNCTION_KINDS and name in s.bound and name not in s.declared_global:
            if name not in s.declared_nonlocal:
                return s
        elif s.kind in FUNCTION_KINDS and name in s.declared_global:
            return None
        s = s.parent
    return None


def check_with_symtable(module: Scope, text: str, filename: str) -> None:
    """Mark every scope whose locals differ from CPython's symtable as unverified."""
    try:
        table = symtable.symtable(text, filename, "exec")
    except (SyntaxError, ValueError, RecursionError):
        for scope in module.walk():
            scope.unverified = True
        return
    _match(module, table)


def _match(scope: Scope, table: symtable.SymbolTable) -> None:
    groups: dict[tuple[str, int], list[symtable.SymbolTable]] = {}
    for child in table.get_children():
        groups.setdefault((child.get_name(), child.get_lineno()), []).append(child)
    mine: dict[tuple[str, int], list[Scope]] = {}
    for child in scope.children:
        mine.setdefault((child.name, child.lineno), []).append(child)
    for key, scopes in mine.items():
        tables = groups.get(key, [])
        if len(tables) != len(scopes):
            for s in scopes:
                for sub in s.walk():
                    sub.unverified = True
            continue
        for s, t in zip(scopes, tables, strict=True):
            if s.kind in FUNCTION_KINDS and not _same_locals(s, t):
                s.unverified = True
            _match(s, t)


def _same_locals(scope: Scope, table: symtable.SymbolTable) -> bool:
    if not isinstance(table, symtable.Function):
        return False
    theirs = {n for n in table.get_locals() if not n.startswith(".")}
    return theirs == scope.locals
