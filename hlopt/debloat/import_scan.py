"""The two cheap ``ast`` passes behind HLI: a statement walk and one fast expression walk.

``Statements`` visits statement lists only (imports are statements) and records every
import alias with its context: scope, ``try``/``with``/``if TYPE_CHECKING:`` around it,
whether its block holds nothing but imports, plus ``__all__``, star imports and
``__future__`` lines. ``Expressions`` walks every node once, with child fields read from
the ast grammar instead of asked at run time, and gathers the names the module reads,
names it binds, attribute names, strings that name things, and dynamic name access.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from hlopt.debloat.scan import (
    _IMPORT_ERRORS,
    _handler_names,
    is_type_checking_test,
)

#: calls that read a scope's names by string: a module (or function) using them keeps imports
DYNAMIC_CALLS = frozenset({"globals", "locals", "vars", "eval", "exec"})
#: attributes that read a frame's or code object's names (``sys._getframe().f_locals``)
FRAME_ATTRS = frozenset({"f_locals", "f_globals", "co_varnames", "co_names", "co_cellvars",
                         "co_freevars"})
#: typing helpers whose string arguments are type expressions (``cast("Foo", x)``)
TYPING_CALLS = frozenset({"cast", "TypeVar", "NewType", "ForwardRef", "TypeAliasType",
                          "assert_type", "ParamSpec", "TypeVarTuple"})
_NAMEISH = re.compile(r"[A-Za-z_][\w.]*(?::[A-Za-z_]\w*)?")
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where a statement sits."""

    scope: str = ""
    #: "module", "class" or "function"
    kind: str = "module"
    func: ast.AST | None = None
    #: inside a ``try`` body with handlers: "import" (ImportError or broader) or "other"
    try_kind: str = ""
    type_checking: bool = False
    in_with: bool = False


@dataclass
class Raw:
    """One import alias as the statement walk found it."""

    node: ast.Import | ast.ImportFrom
    alias: ast.alias
    ctx: Ctx
    #: the statement list holding it (duplicates are looked for per block), and where
    block: list[ast.stmt]
    index: int
    #: the block holds nothing but imports (and docstrings, ``pass``, dunder assignments)
    only_imports: bool


class Statements:
    """Walk statements only (never expressions): imports, ``__all__``, scopes."""

    def __init__(self) -> None:
        self.raw: list[Raw] = []
        self.all_names: set[str] = set()
        self.has_all = False
        self.all_dynamic = False
        #: (module, level) of every ``from m import *``
        self.star_from: set[tuple[str, int]] = set()
        self.module_getattr = False
        self.future_line = 0
        #: names each function declares ``global``
        self.globals: dict[int, set[str]] = {}

    def body(self, stmts: list[ast.stmt], ctx: Ctx) -> None:
        only: bool | None = None  # computed once, for the blocks that hold an import
        s: Any
        for i, s in enumerate(stmts):
            t = type(s)
            handler = _STATEMENTS.get(t)
            if handler is not None:
                handler(self, s, ctx)
            elif t is _IMPORT or t is _IMPORT_FROM:
                if only is None:
                    only = all(map(is_import_like, stmts))
                self._imports(s, ctx, stmts, i, only)
            elif ctx.kind == "module" and t in _MAYBE_ALL:
                self._maybe_all(s)

    def _function(self, s: ast.FunctionDef, ctx: Ctx) -> None:
        if ctx.kind == "module" and s.name == "__getattr__":
            self.module_getattr = True
        self.body(s.body, Ctx(_join(ctx.scope, s.name), "function", s))

    def _class(self, s: ast.ClassDef, ctx: Ctx) -> None:
        self.body(s.body, Ctx(_join(ctx.scope, s.name), "class", ctx.func))

    def _if(self, s: ast.If, ctx: Ctx) -> None:
        tc = is_type_checking_test(s.test)
        self.body(s.body, replace(ctx, type_checking=True) if tc else ctx)
        self.body(s.orelse, ctx)

    def _loop(self, s: ast.For | ast.AsyncFor | ast.While, ctx: Ctx) -> None:
        self.body(s.body, ctx)
        self.body(s.orelse, ctx)

    def _with(self, s: ast.With | ast.AsyncWith, ctx: Ctx) -> None:
        self.body(s.body, ctx if ctx.in_with else replace(ctx, in_with=True))

    def _match(self, s: ast.Match, ctx: Ctx) -> None:
        for case in s.cases:
            self.body(case.body, ctx)

    def _global(self, s: ast.Global, ctx: Ctx) -> None:
        if ctx.func is not None:
            self.globals.setdefault(id(ctx.func), set()).update(s.names)

    def _try(self, s: ast.Try | ast.TryStar, ctx: Ctx) -> None:
        if s.handlers and not ctx.try_kind:
            catches = any(_handler_names(h) & _IMPORT_ERRORS for h in s.handlers)
            self.body(s.body, replace(ctx, try_kind="import" if catches else "other"))
        else:
            self.body(s.body, ctx)
        for h in s.handlers:
            self.body(h.body, ctx)
        self.body(s.orelse, ctx)
        self.body(s.finalbody, ctx)

    def _imports(self, node: ast.Import | ast.ImportFrom, ctx: Ctx, block: list[ast.stmt],
                 index: int, only: bool) -> None:
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                self.future_line = node.lineno
                return
            if node.names[0].name == "*":
                self.star_from.add((node.module or "", node.level))
                return
        for alias in node.names:
            self.raw.append(Raw(node, alias, ctx, block, index, only))

    def _maybe_all(self, s: ast.stmt) -> None:
        if isinstance(s, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                self.has_all = True
                if s.value is not None:
                    self._read_all(s.value)
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            f = s.value.func
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                    and f.value.id == "__all__" and f.attr in ("extend", "append")):
                for arg in s.value.args:
                    self._read_all(arg)

    def _read_all(self, value: ast.expr) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.all_names.add(value.value)
        elif isinstance(value, ast.List | ast.Tuple | ast.Set):
            for elt in value.elts:
                self._read_all(elt)
        elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            self._read_all(value.left)
            self._read_all(value.right)
        else:
            self.all_dynamic = True


_IMPORT, _IMPORT_FROM = ast.Import, ast.ImportFrom
_MAYBE_ALL = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr})
#: compound statements the walk enters, and how
_STATEMENTS: dict[type, Callable[[Statements, Any, Ctx], None]] = {
    ast.FunctionDef: Statements._function, ast.AsyncFunctionDef: Statements._function,
    ast.ClassDef: Statements._class, ast.If: Statements._if,
    ast.Try: Statements._try, ast.TryStar: Statements._try,
    ast.For: Statements._loop, ast.AsyncFor: Statements._loop, ast.While: Statements._loop,
    ast.With: Statements._with, ast.AsyncWith: Statements._with,
    ast.Match: Statements._match, ast.Global: Statements._global,
}


def is_import_like(s: Any) -> bool:
    """Statements a block of side-effect imports may also hold."""
    t = type(s)
    if t is ast.Import or t is ast.ImportFrom or t is ast.Pass:
        return True
    if t is ast.Expr:
        return type(s.value) is ast.Constant
    if t is ast.Assign:
        return all(type(x) is ast.Name and x.id.startswith("__") for x in s.targets)
    return False


def _join(scope: str, name: str) -> str:
    return f"{scope}.{name}" if scope else name


class Expressions:
    """One walk over every node: names read and bound, strings, dynamic name access."""

    def __init__(self, bindings: dict[str, str]) -> None:
        #: binding -> module for module-valued imports (``import a.b`` binds a -> "a")
        self.bindings = bindings
        self.used: set[str] = set()
        self.stored: set[str] = set()
        self.attrs: set[str] = set()
        #: names read by string annotations, ``cast("Foo", x)``, ...
        self.type_names: set[str] = set()
        #: short strings that look like names ("json", "pkg.mod.name", "pkg.mod:func")
        self.strings: set[str] = set()
        self.refs: set[tuple[str, str]] = set()
        self.dynamic = False

    def run(self, tree: ast.AST) -> None:
        used, stored, attrs, bindings, refs = (self.used, self.stored, self.attrs,
                                               self.bindings, self.refs)
        texts: set[str] = set()
        children, rare = _CHILDREN, _RARE
        name_t, store_t, const_t, attr_t, call_t = (ast.Name, ast.Store, ast.Constant,
                                                    ast.Attribute, ast.Call)
        stack: list[ast.AST | None] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        node: Any
        while stack:
            node = pop()
            if node is None:
                continue
            t = type(node)
            if t is name_t:
                (stored if type(node.ctx) is store_t else used).add(node.id)
                continue
            if t is const_t:
                if type(node.value) is str:
                    texts.add(node.value)
                continue
            if t is attr_t:
                attrs.add(node.attr)
                base = node.value
                if type(base) is name_t and base.id in bindings:
                    refs.add((bindings[base.id], node.attr))
                elif (type(base) is attr_t and type(base.value) is name_t
                      and base.value.id in bindings):
                    refs.add((f"{bindings[base.value.id]}.{base.attr}", node.attr))
            elif t is call_t:
                f = node.func
                called = f.id if type(f) is name_t else f.attr if type(f) is attr_t else ""
                if called in _SPECIAL_CALLS:
                    self._call(node, called)
            elif t in rare:
                self._rare(node, t)
            spec = children[t] if t in children else _spec_of(t)
            if spec is None:
                extend(ast.iter_child_nodes(node))
                continue
            singles, n_singles, lists, n_lists = spec
            if n_singles == 1:
                push(singles(node))
            elif n_singles:
                extend(singles(node))
            if n_lists == 1:
                extend(lists(node))
            elif n_lists:
                for many in lists(node):
                    extend(many)
        self.strings = {s for s in texts if len(s) < 100 and _NAMEISH.fullmatch(s)}
        for s in self.strings:
            if "." in s or ":" in s:
                mod, _, attr = s.replace(":", ".").rpartition(".")
                refs.add((mod, attr))

    def _rare(self, node: Any, t: type) -> None:
        """Nodes that bind or annotate: far fewer than names, attributes and calls."""
        if t is ast.arg or t is ast.AnnAssign:
            self._annotation(node.annotation)
        elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
            self.stored.add(node.name)
            self._annotation(node.returns)
        elif t is ast.AugAssign:
            if type(node.target) is ast.Name:
                self.used.add(node.target.id)
        elif t is ast.Global or t is ast.Nonlocal:
            self.used.update(node.names)
        elif getattr(node, "name", None):
            self.stored.add(node.name)

    def _call(self, node: ast.Call, name: str) -> None:
        if name in DYNAMIC_CALLS:
            if type(node.func) is ast.Name and (name != "vars" or not node.args):
                self.dynamic = True
            return
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            self._annotation(arg)

    def _annotation(self, ann: ast.expr | None) -> None:
        if ann is None or type(ann) is ast.Name:
            return
        sub: Any
        for sub in ast.walk(ann):
            if type(sub) is ast.Constant and type(sub.value) is str:
                self.type_names.update(type_string_names(sub.value))


#: node types ``Expressions._rare`` handles
_RARE = frozenset({ast.arg, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.AugAssign,
                   ast.Global, ast.Nonlocal, ast.ClassDef, ast.ExceptHandler, ast.MatchAs,
                   ast.MatchStar})
_SPECIAL_CALLS = DYNAMIC_CALLS | TYPING_CALLS


def type_string_names(text: str) -> set[str]:
    """Names a string annotation (``"list[Foo]"``, ``"a.B | None"``) reads."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(_IDENT.findall(text))
    return {n.id for n in ast.walk(tree) if type(n) is ast.Name}


def scope_names(func: ast.AST) -> tuple[set[str], bool]:
    """Names read anywhere inside one function (nested scopes included); dynamic?"""
    used: set[str] = set()
    dynamic = False
    for node in iter_nodes(func):
        t = type(node)
        if t is ast.Name:
            if type(node.ctx) is not ast.Store:
                used.add(node.id)
        elif t is ast.AugAssign and type(node.target) is ast.Name:
            used.add(node.target.id)
        elif t is ast.Global or t is ast.Nonlocal:
            used.update(node.names)
        elif t is ast.Call and type(node.func) is ast.Name and node.func.id in DYNAMIC_CALLS:
            dynamic = dynamic or node.func.id != "vars" or not node.args
    return used, dynamic


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def iter_nodes(root: ast.AST) -> Iterator[Any]:
    """Every node under ``root`` (itself included), in no particular order: ``ast.walk``
    with child fields read from the grammar."""
    children = _CHILDREN
    stack: list[ast.AST | None] = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if node is None:
            continue
        yield node
        t = type(node)
        spec = children[t] if t in children else _spec_of(t)
        if spec is None:
            extend(ast.iter_child_nodes(node))
            continue
        singles, n_singles, lists, n_lists = spec
        if n_singles == 1:
            push(singles(node))
        elif n_singles:
            extend(singles(node))
        if n_lists == 1:
            extend(lists(node))
        elif n_lists:
            for many in lists(node):
                extend(many)


#: field types that never hold a node worth visiting
_LEAF_TYPES = frozenset({"identifier", "string", "constant", "int", "expr_context",
                         "operator", "unaryop", "cmpop", "boolop", "type_ignore"})
_SIGNATURE = re.compile(r"(\w+)([*?]?) (\w+)")
#: per ast class: (getter of its node fields, how many; getter of its list fields, how many)
_Spec = tuple[Callable[[ast.AST], Any], int, Callable[[ast.AST], Any], int]
_CHILDREN: dict[type, _Spec | None] = {}


def _spec_of(cls: type) -> _Spec | None:
    """The child-field getters of an ast class; None: unknown layout (walk it generically).

    ``ast.walk`` asks every field of every node at run time; reading the grammar once per
    class and fetching fields with ``operator.attrgetter`` makes the walk about twice as fast.
    """
    fields = _fields_of(cls)
    if fields is None:
        _CHILDREN[cls] = None
        return None
    singles = [name for name, many in fields if not many]
    lists = [name for name, many in fields if many]
    spec = (attrgetter(*singles) if singles else _nothing, len(singles),
            attrgetter(*lists) if lists else _nothing, len(lists))
    _CHILDREN[cls] = spec
    return spec


def _nothing(node: ast.AST) -> None:
    return None


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...] | None:
    """(field, holds a list) for the fields of an ast class that hold nodes, read from its
    ASDL signature (``FunctionDef(identifier name, arguments args, stmt* body, ...)``);
    None when the signature does not match the class's ``_fields``.
    """
    doc = (cls.__doc__ or "").split("\n", 1)[0]
    fields = {name: (kind, mark) for kind, mark, name in _SIGNATURE.findall(doc)}
    if set(fields) != set(getattr(cls, "_fields", ())):
        return None
    return tuple((name, mark == "*") for name, (kind, mark) in fields.items()
                 if kind not in _LEAF_TYPES)
