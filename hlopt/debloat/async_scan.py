"""One pass over a file's ``ast`` for the async family: what each function calls, and what
the file alone shows (blocking calls in coroutines, dropped tasks, nested loops).

Calls are resolved through the module's imports (``import requests as rq``, ``from time
import sleep``), local classes and simple local types (``p = subprocess.Popen(...)`` then
``p.wait()``; ``Store().fetch()``). Calls the file cannot resolve to a blocking API but
that may name a project function become ``refs`` (``async_graph`` resolves them across
modules). Arguments of ``asyncio.to_thread(...)`` / ``run_in_executor(...)`` are not
walked: they run in a thread. Nested ``def``s and lambdas are functions of their own.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from hlopt.debloat.async_apis import OFFLOAD, TASK_FACTORIES, blocking_api
from hlopt.debloat.import_scan import dotted_name
from hlopt.debloat.scan import resolve_relative
from hlopt.debloat.slow_walk import push_children

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_BUILTINS = frozenset(dir(builtins))

#: a call that may name a project function: ("n", name) a bare name, ("s", attr) a method
#: of the enclosing class via self/cls, ("a", base, attr) an attribute of a name, ("d",
#: dotted) an absolute dotted name reached through an import
Ref = tuple[str, ...]


@dataclass(slots=True)
class Site:
    """A call in a function: where, what, and the text a fix or a message needs."""

    line: int
    col: int
    what: str
    end_line: int = 0
    end_col: int = 0


@dataclass(slots=True)
class Func:
    """One function's summary: small and picklable (the call graph is built from these)."""

    qual: str
    line: int
    col: int
    is_async: bool
    #: qualname of the enclosing class when a method
    cls: str | None = None
    #: direct blocking calls: Site.what is the resolved API ("requests.get")
    blocking: list[Site] = field(default_factory=list)
    #: (site, ref) for calls that may reach a project function
    calls: list[tuple[Site, Ref]] = field(default_factory=list)
    #: nested defs: local name -> qualname
    local_defs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Local:
    """A per-file finding before the engine turns it into a ``Finding``."""

    code: str
    site: Site
    func: str
    api: str
    #: key for locating the site again in a fix: (scope, source text); nth among equals
    key: str = ""
    nth: int = 0
    #: how many sites of the file share ``key``
    of: int = 1
    fixable: bool = False
    #: the fix as text edits: (line, byte col, end line, end byte col, new text), 0-based cols
    edits: tuple[tuple[int, int, int, int, str], ...] = ()


@dataclass(slots=True)
class Facts:
    """A module's summary for the async family."""

    funcs: list[Func] = field(default_factory=list)
    #: module-level class name -> (qualname, base names as written)
    classes: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    #: every import binding: local name -> absolute dotted target
    imports: dict[str, str] = field(default_factory=dict)
    #: import bindings at module level only (safe to use from any function)
    top_imports: dict[str, str] = field(default_factory=dict)
    #: module-level names bound other than by import (defs, classes, assignments)
    defined: set[str] = field(default_factory=set)
    locals: list[Local] = field(default_factory=list)
    has_async: bool = False


def scan(tree: ast.Module, module: str, is_package: bool) -> Facts:
    """The async facts of one module."""
    facts = Facts()
    s = _Scanner(facts, module, is_package)
    s.module_body(tree.body, "")
    s.resolve_pending()
    counts: dict[str, int] = {}
    for loc in facts.locals:
        counts[loc.key] = counts.get(loc.key, 0) + 1
    for loc in facts.locals:
        loc.of = counts[loc.key]
    return facts


class _Scanner:
    def __init__(self, facts: Facts, module: str, is_package: bool) -> None:
        self.facts = facts
        self.module = module
        self.is_package = is_package
        #: functions to walk once every import and module-level name is known
        self.pending: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, str | None,
                                 Func | None]] = []

    # -- module and class level: statements only ------------------------------------------

    def module_body(self, body: list[ast.stmt], prefix: str, cls: str | None = None) -> None:
        for node in body:
            t = type(node)
            if t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                if not prefix:
                    self.facts.defined.add(node.name)  # type: ignore[attr-defined]
                self.pending.append((node, prefix + node.name, cls, None))  # type: ignore
            elif t is ast.ClassDef:
                self._class(node, prefix)  # type: ignore[arg-type]
            elif t is ast.Import or t is ast.ImportFrom:
                self.imports(node, top=not prefix)  # type: ignore[arg-type]
            elif not prefix and (t is ast.Assign or t is ast.AnnAssign):
                targets = node.targets if t is ast.Assign else [node.target]  # type: ignore
                self.facts.defined.update(n.id for n in targets if isinstance(n, ast.Name))
            else:
                for name in ("body", "orelse", "finalbody"):
                    sub = getattr(node, name, None)
                    if sub:
                        self.module_body(sub, prefix, cls)
                for h in getattr(node, "handlers", ()):
                    self.module_body(h.body, prefix, cls)
                for case in getattr(node, "cases", ()):
                    self.module_body(case.body, prefix, cls)

    def _class(self, node: ast.ClassDef, prefix: str) -> None:
        qual = prefix + node.name
        if not prefix:
            self.facts.defined.add(node.name)
            bases = tuple(dotted_name(b) or "" for b in node.bases)
            self.facts.classes[node.name] = (qual, bases)
        self.module_body(node.body, qual + ".", qual)

    def imports(self, node: ast.Import | ast.ImportFrom, top: bool = False) -> None:
        bound: dict[str, str] = {}
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    bound[a.asname] = a.name
                else:
                    first = a.name.split(".", 1)[0]
                    bound[first] = first
        else:
            base = resolve_relative(node.module, node.level, self.module, self.is_package)
            for a in node.names:
                if a.name != "*" and base:
                    bound[a.asname or a.name] = f"{base}.{a.name}"
        self.facts.imports.update(bound)
        if top:
            self.facts.top_imports.update(bound)

    # -- functions: every expression ------------------------------------------------------

    def resolve_pending(self) -> None:
        while self.pending:
            node, qual, cls, parent = self.pending.pop(0)
            self.function(node, qual, cls, parent)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qual: str,
                 cls: str | None, parent: Func | None) -> None:
        is_async = isinstance(node, ast.AsyncFunctionDef)
        self.facts.has_async |= is_async
        f = Func(qual, node.lineno, node.col_offset + 1, is_async, cls)
        if parent is not None:
            f.local_defs.update(parent.local_defs)
        walker = _FunctionWalker(self, f)
        a = node.args
        walker.params = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs,
                                         a.vararg, a.kwarg) if x is not None}
        walker.walk(node.body)
        if f.calls or f.blocking:
            self.facts.funcs.append(f)


class _FunctionWalker:
    """Walks one function body without entering nested scopes (they are queued)."""

    def __init__(self, scanner: _Scanner, func: Func) -> None:
        self.s = scanner
        self.f = func
        self.types: dict[str, str] = {}
        self.keys: dict[str, int] = {}
        #: ids of calls that are a whole expression statement
        self.statements: set[int] = set()
        #: parameter names: they shadow builtins and module names
        self.params: set[str] = set()
        #: refs already recorded (a sync function needs each edge of the graph once)
        self.seen: set[Ref] = set()

    def walk(self, body: list[ast.stmt] | list[ast.expr]) -> None:
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            t = type(node)
            if t in _SCOPES:
                self.nested(node)
                continue
            if t is ast.Call:
                if not self.call(node):  # type: ignore[arg-type]
                    stack.append(node.func)  # type: ignore[attr-defined]
                    continue
            elif t is ast.Assign:
                self.assign(node)  # type: ignore[arg-type]
            elif t is ast.Expr:
                self.expression_statement(node)  # type: ignore[arg-type]
            elif t is ast.Import or t is ast.ImportFrom:
                self.s.imports(node)  # type: ignore[arg-type]
            push_children(node, stack)

    def nested(self, node: ast.AST) -> None:
        if isinstance(node, _FUNCS):
            qual = f"{self.f.qual}.<locals>.{node.name}"
            self.f.local_defs[node.name] = qual
            self.walk(node.decorator_list)
            self.s.pending.append((node, qual, None, self.f))
        elif isinstance(node, ast.ClassDef):
            self.s.module_body(node.body, f"{self.f.qual}.<locals>.{node.name}.",
                               f"{self.f.qual}.<locals>.{node.name}")

    def assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call):
            kind = self.type_of_call(node.value)
            if kind:
                self.types[node.targets[0].id] = kind

    def expression_statement(self, node: ast.Expr) -> None:
        """A task created and dropped: ``asyncio.create_task(...)`` as a statement."""
        call = node.value
        if not isinstance(call, ast.Call):
            return
        self.statements.add(id(call))
        target = self.resolve(call.func)
        name = target if target in TASK_FACTORIES else None
        if name is None and isinstance(call.func, ast.Attribute) \
                and call.func.attr == "create_task" and _is_loop(call.func.value):
            name = "loop.create_task"
        if name is not None:
            self.local("HLA004", call, name)

    # -- calls ------------------------------------------------------------------------------

    def call(self, node: ast.Call) -> bool:
        """Record ``node``; False when its arguments must not be walked (offloaded)."""
        target = self.resolve(node.func)
        if target in OFFLOAD or (isinstance(node.func, ast.Attribute)
                                 and node.func.attr == "run_in_executor"):
            return False
        if target is not None:
            api = blocking_api(target)
            if api is not None:
                self.f.blocking.append(self.site(node, api))
                if self.f.is_async:
                    fixable = api == "time.sleep" and id(node) in self.statements \
                        and self.s.facts.top_imports.get("asyncio") == "asyncio"
                    edits = _sleep_edits(node) if fixable else ()
                    self.local("HLA001", node, api, fixable, edits)
                return True
            if self.f.is_async:
                self.loop_calls(node, target)
        ref = self.ref(node.func, target)
        if ref is not None and (self.f.is_async or ref not in self.seen):
            self.seen.add(ref)
            self.f.calls.append((self.site(node, _call_text(node.func)), ref))
        return True

    def loop_calls(self, node: ast.Call, target: str) -> None:
        if target == "asyncio.get_event_loop" and not node.args and not node.keywords:
            func = node.func
            edits = ()
            if isinstance(func, ast.Attribute) and func.end_lineno is not None:
                end = func.end_col_offset or 0
                edits = ((func.end_lineno, end - len(func.attr), func.end_lineno, end,
                          "get_running_loop"),)
            self.local("HLA003", node, target, bool(edits), edits)
        elif target == "asyncio.run" or target.endswith(".run_until_complete"):
            self.local("HLA005", node, target)

    def resolve(self, func: ast.expr) -> str | None:
        """The absolute dotted name a call's function names, when the file knows it."""
        if isinstance(func, ast.Name):
            name = func.id
            if name in self.f.local_defs or name in self.params:
                return None
            if name in self.s.facts.imports:
                return self.s.facts.imports[name]
            if name in _BUILTINS and name not in self.s.facts.defined:
                return name
            return None
        if isinstance(func, ast.Attribute):
            value = func.value
            if isinstance(value, ast.Call):
                kind = self.type_of_call(value)
                return f"{kind}.{func.attr}" if kind else None
            dotted = dotted_name(value)
            if dotted is None:
                if isinstance(value, ast.Attribute) and value.attr in ("loop", "_loop"):
                    return f"loop.{func.attr}"
                return None
            root, _, rest = dotted.partition(".")
            if root in self.types and not rest:
                return f"{self.types[root]}.{func.attr}"
            if root in self.s.facts.imports:
                base = self.s.facts.imports[root]
                return f"{base}.{rest}.{func.attr}" if rest else f"{base}.{func.attr}"
            if root == "loop" and not rest:
                return f"loop.{func.attr}"
        return None

    def type_of_call(self, call: ast.Call) -> str | None:
        """What ``x = call`` makes x: a resolved dotted class, or a module-level class name."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.s.facts.classes \
                and func.id not in self.f.local_defs:
            return "@" + func.id
        target = self.resolve(func)
        if target in ("asyncio.get_event_loop", "asyncio.get_running_loop",
                      "asyncio.new_event_loop"):
            return "loop"
        return target

    def ref(self, func: ast.expr, target: str | None) -> Ref | None:
        if isinstance(func, ast.Name):
            if func.id in self.f.local_defs:
                return ("q", self.f.local_defs[func.id])
            if target is None or func.id in self.s.facts.imports:
                return ("d", target) if target else ("n", func.id)
            return None
        if not isinstance(func, ast.Attribute):
            return None
        if target is not None:
            if target.startswith("@"):
                return ("a", target[1:].split(".", 1)[0], func.attr)
            return ("d", target)
        value = func.value
        if isinstance(value, ast.Name):
            if value.id in ("self", "cls") and self.f.cls:
                return ("s", func.attr)
            if value.id in self.s.facts.classes:
                return ("a", value.id, func.attr)
        return None

    def site(self, node: ast.expr, what: str) -> Site:
        return Site(node.lineno, node.col_offset + 1, what, node.end_lineno or node.lineno,
                    (node.end_col_offset or 0) + 1)

    def local(self, code: str, node: ast.Call, api: str, fixable: bool = False,
              edits: tuple[tuple[int, int, int, int, str], ...] = ()) -> None:
        text = ast.unparse(node)
        key = f"{code}|{self.f.qual}|{text}"
        nth = self.keys.get(key, 0)
        self.keys[key] = nth + 1
        self.s.facts.locals.append(Local(code, self.site(node, api), self.f.qual, api, key,
                                         nth, 1, fixable, edits))


def _sleep_edits(node: ast.Call) -> tuple[tuple[int, int, int, int, str], ...]:
    """``time.sleep(x)`` -> ``await asyncio.sleep(x)`` (the call is a whole statement)."""
    f = node.func
    return ((node.lineno, node.col_offset, f.end_lineno or node.lineno, f.end_col_offset or 0,
             "await asyncio.sleep"),)


def _is_loop(node: ast.expr) -> bool:
    """``loop``, ``self.loop``, ``self._loop``, ``asyncio.get_event_loop()`` and the like."""
    if isinstance(node, ast.Name):
        return node.id in ("loop", "event_loop", "_loop")
    if isinstance(node, ast.Attribute):
        return node.attr in ("loop", "_loop", "event_loop")
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute | ast.Name) and \
            (dotted_name(node.func) or "").endswith(("get_event_loop", "get_running_loop"))
    return False


def _call_text(func: ast.expr) -> str:
    return dotted_name(func) or (func.attr if isinstance(func, ast.Attribute) else "?")


__all__ = ["Facts", "Func", "Local", "Ref", "Site", "scan"]
