"""One file's dead-code facts, gathered in a worker: definitions, references, dead regions.

References are every identifier token of the file's text (code, strings, comments) minus
the definition sites themselves, so a name counts as used when it is written anywhere
else: a call, an attribute, ``getattr(obj, "name")``, ``__all__``, an import, a comment.
One regex pass over the text finds them; a walk over the statements (not the
expressions) finds definitions, unreachable statements and constant-false branches.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hlopt.debloat.deadcode_locals import unused_locals
from hlopt.debloat.import_scan import iter_nodes

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: identifiers may be any Unicode word (``café``); used only on non-ASCII text (slower)
_UNICODE_TOKEN = re.compile(r"(?!\d)\w+")
#: string literals a name is built from: ``"do_" + cmd``, ``f"visit_{kind}"``,
#: ``"handle_%s" % x``, ``prefix = "visit_"`` (one leading character class keeps it fast)
_PREFIX = re.compile(r"""['"]([A-Za-z_][A-Za-z0-9_]*)(?:(['"]\s*\+|[{%])|(?<=_)['"])""")
#: ``name.startswith("test")``
_STARTSWITH = re.compile(r"""startswith\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)""")
#: a module reaches its own globals by computed name
_DYNAMIC = ("globals()", "vars()", "sys.modules[__name__]")
#: a module reads frames' locals
_FRAMES = ("f_locals", "_getframe", "currentframe", "inspect.stack", "inspect.trace")
_EXIT_KEYWORDS: dict[type, str] = {
    ast.Return: "return", ast.Raise: "raise", ast.Break: "break", ast.Continue: "continue",
}
#: decorators that register nothing: the function is still reached only by its name
TRANSPARENT_DECORATORS = frozenset({
    "staticmethod", "classmethod", "contextmanager", "asynccontextmanager", "cache",
    "lru_cache", "wraps", "total_ordering", "dataclass", "final",
})
#: functions and methods a test runner or framework calls by name
TEST_NAMES = frozenset({
    "setUp", "tearDown", "setUpClass", "tearDownClass", "setUpModule", "tearDownModule",
    "asyncSetUp", "asyncTearDown", "runTest", "load_tests", "setup_module", "teardown_module",
    "setup_function", "teardown_function", "setup_method", "teardown_method",
    "setup_class", "teardown_class", "setup", "teardown",
})
#: method prefixes of dispatch-by-name protocols (ast/libcst visitors, cmd.Cmd,
#: http.server, html.parser, event handlers, docutils)
DISPATCH_PREFIXES = ("test", "visit_", "leave_", "depart_", "do_", "help_", "complete_",
                     "handle_", "on_")
#: expression nodes whose evaluation calls nothing a fix would need to keep
_SIMPLE_VALUES = (ast.Constant, ast.Name, ast.Lambda, ast.Attribute, ast.Tuple, ast.List,
                  ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp, ast.JoinedStr,
                  ast.FormattedValue, ast.Subscript, ast.Slice, ast.expr_context,
                  ast.operator, ast.unaryop, ast.arguments, ast.arg)


@dataclass(frozen=True, slots=True)
class Definition:
    """A def, class or module-level name that may be dead, not referenced in its own file."""

    kind: str  # function | class | method | variable
    name: str
    qualname: str
    line: int
    col: int
    end_line: int
    #: API of a library: a public name at module or class level (not inside a function)
    public: bool
    #: "local" (a class or function inside a function), "alias" (``_Old = New``) or ""
    shape: str
    #: the class a method belongs to ("" otherwise)
    owner: str
    module_level: bool
    fixable: bool
    #: its rank among, and the number of, the file's definitions of this kind and qualname
    #: (a fix finds it by these, whatever lines an earlier fix of the file moved)
    nth: int
    count: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.qualname}"


@dataclass(frozen=True, slots=True)
class Region:
    """Statements that never run: after an exit (HLD005) or under a constant test (HLD006);
    or an assignment to a local nothing reads (HLD007)."""

    code: str
    #: "return", "raise", "break", "continue", "if" (HLD005); "if", "else", "while" (HLD006);
    #: the variable's name (HLD007)
    keyword: str
    #: the constant test (HLD006); "value" when the fix must keep the value (HLD007)
    condition: str
    line: int
    col: int
    end_line: int
    end_col: int
    scope: str
    #: its rank among, and the number of, the regions of this code in this scope
    nth: int
    count: int = 0

    @property
    def key(self) -> str:
        return f"{self.code}:{self.scope}"


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A class as the hierarchy check sees it: bases by their last name."""

    name: str
    bases: tuple[str, ...]
    #: defines ``__init_subclass__`` or names a metaclass: subclasses may register themselves
    hooks: bool
    protocol: bool


@dataclass(slots=True)
class Facts:
    """What ``check`` needs from one file (compact and picklable)."""

    refs: frozenset[str]
    prefixes: frozenset[str]
    defs: list[Definition]
    regions: list[Region]
    classes: list[ClassInfo]
    #: method names this file defines, and those it defines in two classes or more
    methods: frozenset[str]
    multi: frozenset[str]
    #: the module reads its own globals by computed name (globals(), __getattr__ ...)
    dynamic: bool
    #: the module inspects frames (``f_locals``, ``sys._getframe`` ...): a local nothing
    #: reads by name may still be read that way
    frames: bool = False


@dataclass
class _Scope:
    kind: str  # module | class | function
    qual: str
    func: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    owner: str = ""
    methods: set[str] | None = None
    #: inside ``with`` (or ``try`` in a function): defining may be what is tested
    guarded: bool = False


@dataclass
class Scan:
    """The statement walk; ``counts`` keys every definition and region for the fix checks."""

    defs: list[Definition] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    method_classes: Counter[str] = field(default_factory=Counter)
    protected: set[int] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    dynamic_getattr: bool = False

    def block(self, stmts: list[ast.stmt], scope: _Scope) -> None:
        for i, stmt in enumerate(stmts):
            self.stmt(stmt, scope)
            keyword = exit_keyword(stmt)
            if keyword is not None and i + 1 < len(stmts):
                self.dead(stmts[i + 1:], scope, "HLD005", keyword, "")
                return

    def stmt(self, s: ast.stmt, scope: _Scope) -> None:
        visit = _VISIT.get(type(s))
        if visit is not None:
            visit(self, s, scope)
        elif scope.kind == "module" and isinstance(s, (ast.Assign, ast.AnnAssign)):
            self.variable(s, scope)

    def blocks(self, s: ast.For | ast.AsyncFor | ast.While, scope: _Scope) -> None:
        self.block(s.body, scope)
        self.block(s.orelse, scope)

    def guarded(self, s: ast.With | ast.AsyncWith, scope: _Scope) -> None:
        self.block(s.body, replace(scope, guarded=True))

    def trial(self, s: ast.Try | ast.TryStar, scope: _Scope) -> None:
        self.block(s.body, replace(scope, guarded=scope.guarded or scope.kind == "function"))
        for h in s.handlers:
            self.block(h.body, scope)
        self.block(s.orelse, scope)
        self.block(s.finalbody, scope)

    def match(self, s: ast.Match, scope: _Scope) -> None:
        for case in s.cases:
            self.block(case.body, scope)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> None:
        name = node.name
        if scope.kind == "class":
            kind = "method"
            assert scope.methods is not None
            scope.methods.add(name)
        else:
            kind = "function"
        if scope.kind == "module" and name in ("__getattr__", "__dir__"):
            self.dynamic_getattr = True
        protected = (_is_special(name) or not _transparent(node.decorator_list)
                     or scope.guarded or name in TEST_NAMES or name.startswith("pytest_")
                     or (kind == "function" and name.startswith("test"))
                     or (kind == "method" and name.startswith(DISPATCH_PREFIXES)))
        qual = self.add(node, kind, name, scope, protected, fixable=True)
        self.block(node.body, _Scope("function", f"{qual}.<locals>", node))
        # code that never runs is reported (and removed) as such, not statement by statement
        dead = [(r.line, r.end_line) for r in self.regions if r.scope == f"{qual}.<locals>"]
        for stmt, local in unused_locals(node):
            if not any(a <= stmt.lineno <= b for a, b in dead):
                self.unused_local(stmt, local, f"{qual}.<locals>.{local}")

    def klass(self, node: ast.ClassDef, scope: _Scope) -> None:
        name = node.name
        bases = tuple(b for b in map(_last_name, node.bases) if b)
        meta = [_last_name(k.value) for k in node.keywords if k.arg == "metaclass"]
        body_names = {s.name for s in node.body if isinstance(s, ast.FunctionDef)}
        hooks = "__init_subclass__" in body_names or any(m not in ("ABCMeta", "type")
                                                          for m in meta)
        self.classes.append(ClassInfo(name, bases, hooks, "Protocol" in bases))
        protected = (_is_special(name) or not _transparent(node.decorator_list)
                     or scope.guarded or name.startswith("Test"))
        qual = self.add(node, "class", name, scope, protected, fixable=True)
        methods: set[str] = set()
        self.block(node.body, _Scope("class", qual, None, name, methods))
        self.method_classes.update(methods)

    def variable(self, node: ast.Assign | ast.AnnAssign, scope: _Scope) -> None:
        if isinstance(node, ast.AnnAssign):
            targets, value = ([node.target] if node.value is not None else []), node.value
        else:
            targets, value = node.targets, node.value
        fixable = len(targets) == 1 and _is_simple(value)
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        # ``tagRECT = _RECTL = RECTL = RECT``: aliases of a public name are API as well
        aliased = len(names) > 1 and any(not n.startswith("_") for n in names)
        shape = "alias" if isinstance(value, (ast.Name, ast.Attribute)) else ""
        for target in targets:
            if isinstance(target, ast.Name):
                protected = _is_special(target.id) or target.id == "_" or aliased
                self.add(target, "variable", target.id, scope, protected, fixable,
                         end_line=node.end_lineno or node.lineno, shape=shape)

    def add(self, node: ast.stmt | ast.expr, kind: str, name: str, scope: _Scope,
            protected: bool, fixable: bool, end_line: int | None = None, shape: str = "") -> str:
        qual = f"{scope.qual}.{name}" if scope.qual else name
        key = f"{kind}:{qual}"
        nth = self.counts[key]
        self.counts[key] += 1
        public = not name.startswith("_") and scope.kind != "function"
        if scope.kind == "function":
            shape = "local"
        d = Definition(kind, name, qual, node.lineno, node.col_offset + 1,
                       end_line or node.end_lineno or node.lineno,
                       public, shape, scope.owner if kind == "method" else "",
                       scope.kind == "module", fixable, nth, 0)
        if protected:
            self.protected.add(len(self.defs))
        self.defs.append(d)
        return qual

    def branch(self, node: ast.If, scope: _Scope) -> None:
        test = node.test
        if isinstance(test, ast.Constant):
            cond = ast.unparse(test)
            if not test.value:
                self.dead(node.body, scope, "HLD006", "if", cond, at=node)
                self.block(node.orelse, scope)
                return
            if node.orelse:
                self.block(node.body, scope)
                self.dead(node.orelse, scope, "HLD006", "else", cond, at=node)
                return
        self.block(node.body, scope)
        self.block(node.orelse, scope)

    def loop(self, node: ast.While, scope: _Scope) -> None:
        test = node.test
        if isinstance(test, ast.Constant) and not test.value:
            self.dead(node.body, scope, "HLD006", "while", ast.unparse(test), at=node)
        else:
            self.block(node.body, scope)
        self.block(node.orelse, scope)

    def unused_local(self, stmt: ast.Assign | ast.AnnAssign | ast.ExceptHandler, name: str,
                     key_scope: str) -> None:
        """HLD007: ``condition`` says what the fix does: "" drops the assignment, "value"
        keeps its value (a call's effects), "except" drops the handler's ``as name``."""
        key = f"HLD007:{key_scope}"
        nth = self.counts[key]
        self.counts[key] += 1
        if isinstance(stmt, ast.ExceptHandler):
            keep = "except"
        else:
            keep = "" if is_inert(stmt.value) else "value"
        self.regions.append(Region(
            "HLD007", name, keep, stmt.lineno, stmt.col_offset + 1,
            stmt.end_lineno or stmt.lineno, (stmt.end_col_offset or 0) + 1, key_scope, nth,
        ))

    def dead(self, stmts: list[ast.stmt], scope: _Scope, code: str, keyword: str,
             condition: str, at: ast.stmt | None = None) -> None:
        """Record a dead region, unless removing it could change what the code means."""
        if scope.func is not None and not removable(stmts, scope.func):
            return
        first, last = (at or stmts[0]), stmts[-1]
        key_scope = scope.qual or "<module>"
        nth = self.counts[f"{code}:{key_scope}"]
        self.counts[f"{code}:{key_scope}"] += 1
        self.regions.append(Region(
            code, keyword, condition, first.lineno, first.col_offset + 1,
            last.end_lineno or last.lineno, (last.end_col_offset or 0) + 1, key_scope, nth,
        ))


#: statement type -> the Scan method that walks it (a dict lookup beats isinstance chains)
_VISIT: dict[type, Callable[[Scan, Any, _Scope], None]] = {
    ast.FunctionDef: Scan.function, ast.AsyncFunctionDef: Scan.function,
    ast.ClassDef: Scan.klass, ast.If: Scan.branch, ast.While: Scan.loop,
    ast.For: Scan.blocks, ast.AsyncFor: Scan.blocks, ast.With: Scan.guarded,
    ast.AsyncWith: Scan.guarded, ast.Try: Scan.trial, ast.TryStar: Scan.trial,
    ast.Match: Scan.match,
}


def exit_keyword(s: ast.stmt) -> str | None:
    """The keyword that makes ``s`` never fall through, or None."""
    kw = _EXIT_KEYWORDS.get(type(s))
    if kw is not None:
        return kw
    if isinstance(s, ast.If) and s.orelse and _block_exits(s.body) and _block_exits(s.orelse):
        return "if"
    return None


def _block_exits(stmts: list[ast.stmt]) -> bool:
    return any(exit_keyword(s) is not None for s in stmts)


def removable(stmts: list[ast.stmt], func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True unless the dead statements make ``func`` a generator, declare ``global`` /
    ``nonlocal``, or bind a name that is local to ``func`` only because of them."""
    binds, _, special = _names(stmts)
    if special:
        return False
    if not binds:
        return True
    out_binds, out_loads, _ = _names(func.body, skip={id(s) for s in stmts})
    args = func.args
    out_binds.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
    out_binds.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return not any(b in out_loads and b not in out_binds for b in binds)


def _names(nodes: list[ast.stmt], skip: frozenset[int] | set[int] = frozenset(),
           ) -> tuple[set[str], set[str], bool]:
    """(names bound, names loaded, a yield or global/nonlocal seen) in ``nodes``' own scope,
    leaving out the nodes in ``skip``; nested scopes add their loads and their own name."""
    binds: set[str] = set()
    loads: set[str] = set()
    special = False
    stack: list[ast.AST] = list(nodes)
    while stack:
        n = stack.pop()
        if id(n) in skip:
            continue
        if isinstance(n, ast.Name):
            (loads if isinstance(n.ctx, ast.Load) else binds).add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if not isinstance(n, ast.Lambda):
                binds.add(n.name)
            loads.update(m.id for m in iter_nodes(n) if isinstance(m, ast.Name))
            continue
        elif isinstance(n, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
            special = True
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            binds.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and n.name:
            binds.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            binds.add(n.rest)
        stack.extend(ast.iter_child_nodes(n))
    return binds, loads, special


def _is_special(name: str) -> bool:
    """Dunder (``__init__``) or sunder (``_missing_``): called by Python or a framework."""
    return len(name) > 2 and name[0] == "_" and name[-1] == "_"


def _last_name(node: ast.expr) -> str:
    """``a.b.C`` -> "C", ``Generic[T]`` -> "Generic", a call -> ""."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _transparent(decorators: list[ast.expr]) -> bool:
    """Every decorator only wraps (``@staticmethod``, ``@lru_cache(...)``): none registers."""
    for d in decorators:
        if isinstance(d, ast.Call):
            d = d.func
        if _last_name(d) not in TRANSPARENT_DECORATORS:
            return False
    return True


def _is_simple(value: ast.expr | None) -> bool:
    """Evaluating ``value`` calls nothing (no call, await, yield, walrus, comprehension)."""
    if value is None:
        return False
    return all(isinstance(n, _SIMPLE_VALUES) for n in iter_nodes(value))


def is_inert(value: ast.expr | None) -> bool:
    """Evaluating ``value`` can neither fail nor run code: a literal, a name, a lambda, or a
    container of those. (``d[k]`` may raise KeyError on purpose, ``obj.attr`` may run a
    property: an unused ``x = d[k]`` keeps ``d[k]``.)"""
    if value is None:
        return False
    if isinstance(value, ast.Constant | ast.Name | ast.Lambda):
        return True
    if isinstance(value, ast.Tuple | ast.List | ast.Set):
        return all(is_inert(e) for e in value.elts)
    if isinstance(value, ast.Dict):
        return all(k is not None and is_inert(k) and is_inert(v)
                   for k, v in zip(value.keys, value.values, strict=True))
    return False


def scan(tree: ast.Module) -> Scan:
    """Walk ``tree``'s statements: definitions, dead regions, classes and key counts."""
    s = Scan()
    s.block(tree.body, _Scope("module", ""))
    return s


def collect_facts(tree: ast.Module, text: str) -> Facts:
    """Worker: the facts ``check`` needs from one file."""
    s = scan(tree)
    tokens = Counter((_TOKEN if text.isascii() else _UNICODE_TOKEN).findall(text))
    sites = Counter(d.name for d in s.defs)
    refs = set(tokens)
    refs.difference_update(name for name, n in sites.items() if tokens[name] <= n)
    found = {p for p, op in _PREFIX.findall(text) if op or len(p) >= 3}
    found.update(_STARTSWITH.findall(text))
    # a short prefix (``"_" + name``) is too common to apply to the whole tree: this file only
    prefixes = frozenset(p for p in found if len(p) >= 3)
    short = tuple(p for p in found if len(p) < 3)
    candidates = [
        replace(d, count=s.counts[d.key]) for i, d in enumerate(s.defs)
        if i not in s.protected and d.name not in refs and not d.name.startswith(short)
    ]
    return Facts(
        refs=frozenset(refs), prefixes=prefixes, defs=candidates, classes=s.classes,
        regions=[replace(r, count=s.counts[r.key]) for r in s.regions],
        methods=frozenset(s.method_classes),
        multi=frozenset(n for n, c in s.method_classes.items() if c > 1),
        dynamic=s.dynamic_getattr or any(d in text for d in _DYNAMIC),
        frames=any(r.code == "HLD007" for r in s.regions) and any(f in text for f in _FRAMES),
    )
