"""Keep-rules: which docstrings and annotations the program reads at run time.

``collect_facts`` runs per file (in a worker) and records what the file reads: names whose
``__doc__`` or annotations are read, functions handed to CLI frameworks (typer, click,
fire), names used as values (a function object that escapes may be inspected), class
bases. ``TreeFacts`` joins them for the whole tree and ``decide`` turns them into the
docstring and annotation parts of one file's :class:`~hlopt.compress.model.Plan`.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from hlopt.compress.model import MODULE, Key, Plan
from hlopt.compress.scopes import def_keys

#: calls that read a docstring of their argument
DOC_READERS = frozenset({"getdoc", "help", "render_doc", "Fire"})
#: doctest entry points that take the object whose docstrings they run
DOCTEST_CALLS = frozenset({"testmod", "DocTestSuite", "run_docstring_examples", "testfile"})
#: calls that read annotations or a signature of their argument
HINT_READERS = frozenset({"get_type_hints", "get_annotations", "signature", "getfullargspec",
                          "validate_call", "validate_arguments", "singledispatch",
                          "register", "Depends", "create_model", "TypeAdapter"})
#: of those, the ones whose argument may be anything (keep the whole module's annotations)
HINT_ANY = frozenset({"get_type_hints", "get_annotations", "signature", "getfullargspec"})
#: calls and decorators of CLI frameworks: help text from docstrings, options from annotations
CLI_CALLS = frozenset({"run", "command", "group", "callback", "result_callback",
                       "add_command", "Typer", "Fire", "add_typer"})
CLI_DECORATORS = frozenset({"command", "group", "callback", "result_callback"})
#: decorators that neither read annotations nor hand the function to code that does
HARMLESS_DECORATORS = frozenset({
    "staticmethod", "classmethod", "property", "setter", "getter", "deleter",
    "abstractmethod", "cache", "lru_cache", "cached_property", "contextmanager",
    "asynccontextmanager", "wraps", "overload", "override", "final", "total_ordering",
    "unique", "abstractproperty", "abstractclassmethod", "abstractstaticmethod",
})
_INIT_NAMES = frozenset({"__init__", "__new__", "__call__"})
PLAIN_BASES = frozenset(
    {"object", "int", "str", "float", "bytes", "dict", "list", "set", "frozenset", "ABC"}
    | {n for n, v in vars(builtins).items() if isinstance(v, type)
       and issubclass(v, BaseException)}
)


@dataclass
class ModuleFacts:
    """What one file reads at run time (collected in a worker; picklable)."""

    doc_names: set[str] = field(default_factory=set)
    doc_any: bool = False
    hint_names: set[str] = field(default_factory=set)
    hint_any: bool = False
    cli_funcs: set[str] = field(default_factory=set)
    escaped: set[str] = field(default_factory=set)
    attr_docstrings: bool = False
    #: the module imports doctest (so it may run its own doctests)
    runs_doctest: bool = False
    #: names handed to doctest (``testmod(mod)``, ``DocTestSuite(mod)``)
    doctest_names: set[str] = field(default_factory=set)
    #: (callee or argument name, keyword) of every keyword passed in a call, including
    #: keys of a dict display unpacked with ``**``; "*" when the callee has no name
    keywords: set[tuple[str, str]] = field(default_factory=set)
    #: class name -> (base names, decorated or has keywords)
    classes: list[tuple[str, tuple[str | None, ...], bool]] = field(default_factory=list)


@dataclass
class TreeFacts:
    """The facts of every file of the tree, joined."""

    doc_names: set[str] = field(default_factory=set)
    hint_names: set[str] = field(default_factory=set)
    cli_funcs: set[str] = field(default_factory=set)
    escaped: set[str] = field(default_factory=set)
    attr_docstrings: bool = False
    doctest_names: set[str] = field(default_factory=set)
    keywords: set[tuple[str, str]] = field(default_factory=set)
    #: the project runs doctest on every module (pytest ``--doctest-modules``)
    doctest_all: bool = False
    #: classes whose docstrings a module reading ``<expr>.__doc__`` may see, by name
    doc_bases: set[str] = field(default_factory=set)
    #: classes that are not plain (decorated, metaclass, special bases), by name
    special_classes: set[str] = field(default_factory=set)

    @classmethod
    def join(cls, facts: list[ModuleFacts]) -> TreeFacts:
        tree = cls()
        for f in facts:
            tree.doc_names |= f.doc_names
            tree.hint_names |= f.hint_names
            tree.cli_funcs |= f.cli_funcs
            tree.escaped |= f.escaped
            tree.attr_docstrings |= f.attr_docstrings
            tree.doctest_names |= f.doctest_names
            tree.keywords |= f.keywords
            if f.doc_any:
                tree.doc_bases.update(name for name, _, _ in f.classes)
        every = [c for f in facts for c in f.classes]
        tree.special_classes = _special(every)
        tree.doc_bases = _subclasses(tree.doc_bases, every)
        return tree


def _last(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _last(node.func)
    if isinstance(node, ast.Subscript):
        return _last(node.value)
    return None


def _special(classes: list[tuple[str, tuple[str | None, ...], bool]]) -> set[str]:
    """Names of classes whose class-level annotations may be read (fixpoint over bases)."""
    known = {name for name, _, _ in classes}
    special = {name for name, bases, flagged in classes
               if flagged or any(b is None or (b not in PLAIN_BASES and b not in known)
                                 for b in bases)}
    return _subclasses(special, classes)


def _subclasses(roots: set[str], classes: list[tuple[str, tuple[str | None, ...], bool]]
                ) -> set[str]:
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for name, bases, _ in classes:
            if name not in found and any(b in found for b in bases):
                found.add(name)
                changed = True
    return found


def collect_facts(tree: ast.Module, text: str) -> ModuleFacts:
    """What this module reads at run time (see ModuleFacts)."""
    facts = ModuleFacts(attr_docstrings="use_attribute_docstrings" in text)
    not_escaping: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            not_escaping.add(id(node.func))
            _call(node, facts, not_escaping)
        elif isinstance(node, ast.ClassDef):
            not_escaping.update(id(b) for b in node.bases)
            facts.classes.append((node.name, tuple(_last(b) for b in node.bases),
                                  bool(node.decorator_list or node.keywords)))
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            not_escaping.update(id(n) for n in _flat(node.type))
        elif isinstance(node, ast.Attribute):
            _attribute(node, facts)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            facts.runs_doctest |= any(n.split(".")[0] == "doctest" for n in names)
    for node in ast.walk(tree):
        if id(node) in not_escaping:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            facts.escaped.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            facts.escaped.add(node.attr)
    return facts


def _flat(node: ast.AST) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _attribute(node: ast.Attribute, facts: ModuleFacts) -> None:
    if node.attr == "__doc__":
        if isinstance(node.value, ast.Name):
            facts.doc_names.add(node.value.id)
        else:
            facts.doc_any = True
    elif node.attr in ("__annotations__", "__signature__"):
        if isinstance(node.value, ast.Name):
            facts.hint_names.add(node.value.id)
        else:
            facts.hint_any = True


def _call(node: ast.Call, facts: ModuleFacts, not_escaping: set[int]) -> None:
    name = _last(node.func)
    values = [*node.args, *(k.value for k in node.keywords)]
    names = {v.id for v in values if isinstance(v, ast.Name)}
    facts.keywords |= _keyword_pairs(node, name)
    if name in DOCTEST_CALLS:
        facts.doctest_names |= names | {_last(v) for v in values if _last(v)}
    if name in ("isinstance", "issubclass") and len(node.args) == 2:
        not_escaping.update(id(n) for n in _flat(node.args[1]))
    if name in DOC_READERS:
        facts.doc_names |= names
        facts.doc_any |= any(not isinstance(v, ast.Name) for v in node.args[:1])
    if name in HINT_READERS:
        facts.hint_names |= names
        if name in HINT_ANY and any(not isinstance(v, ast.Name) for v in node.args[:1]):
            facts.hint_any = True
    if name in CLI_CALLS:
        facts.cli_funcs |= names
    if isinstance(node.func, ast.Call) and _last(node.func.func) in CLI_DECORATORS:
        facts.cli_funcs |= names


def _keyword_pairs(node: ast.Call, name: str | None) -> set[tuple[str, str]]:
    """Who may receive each keyword of a call: the callee, and any function passed along
    (``partial(C.m, self=x)``)."""
    keys = {k.arg for k in node.keywords if k.arg}
    for k in node.keywords:
        if k.arg is None and isinstance(k.value, ast.Dict):
            keys.update(c.value for c in k.value.keys
                        if isinstance(c, ast.Constant) and isinstance(c.value, str))
    if not keys:
        return set()
    receivers = {name or "*"}
    receivers |= {n for v in [*node.args, *(k.value for k in node.keywords)]
                  if (n := _last(v)) is not None and not isinstance(v, ast.Call)}
    return {(r, k) for r in receivers for k in keys}


def module_name(path_stem: str, parent: str) -> str:
    """The name other modules use for this file (its package name for ``__init__``)."""
    return parent if path_stem == "__init__" else path_stem


def decide(tree: ast.Module, text: str, facts: TreeFacts, local: ModuleFacts,
           name: str, *, keep_docstrings: bool, keep_annotations: bool) -> Plan:
    """The docstring and annotation decisions of one module."""
    plan = Plan(keep_strings=keep_docstrings, keep_class_strings=facts.attr_docstrings,
                drop_local_annotations=not keep_annotations)
    plan.drop_object_base = not any(
        isinstance(n, ast.Name) and n.id == "object" and not isinstance(n.ctx, ast.Load)
        or isinstance(n, ast.alias) and (n.asname or n.name) == "object"
        or isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == "object"
        for n in ast.walk(tree))
    doc_lines = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name)
                 and n.id == "__doc__"}
    reads_doc = bool(doc_lines)
    doctests = facts.doctest_all or local.runs_doctest or name in facts.doctest_names
    if not keep_docstrings and _removable_doc(tree, doctests) and not (
        local.doc_any or reads_doc or name in facts.doc_names
    ):
        plan.drop_docstrings.add(MODULE)
    if not keep_annotations and not (local.hint_any or name in facts.hint_names
                                     or _reads_name(tree, "__annotations__")):
        plan.drop_var_annotations.add(MODULE)
    walker = _Decider(plan, facts, local, def_keys(tree), keep_docstrings, keep_annotations)
    walker.doctests = doctests
    walker.doc_lines = doc_lines
    walker.visit(tree)
    return plan


def _reads_name(tree: ast.AST, ident: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == ident for n in ast.walk(tree))


def _removable_doc(node: ast.AST, doctests_run: bool) -> bool:
    """True when ``node`` has a docstring that is not a doctest something runs."""
    doc = ast.get_docstring(node, clean=False)  # type: ignore[arg-type]
    return doc is not None and not (doctests_run and ">>>" in doc)


class _Decider(ast.NodeVisitor):
    def __init__(self, plan: Plan, facts: TreeFacts, local: ModuleFacts,
                 defs: dict[int, Key], keep_docstrings: bool, keep_annotations: bool) -> None:
        self.plan, self.facts, self.local, self.defs = plan, facts, local, defs
        self.keep_docstrings, self.keep_annotations = keep_docstrings, keep_annotations
        self.classes: list[tuple[str, bool]] = []  # (name, its annotations are kept)

    doctests = False
    doc_lines: set[int] = set()

    def _reads_doc(self, node: ast.ClassDef) -> bool:
        """The class body names ``__doc__`` (its own docstring, read at run time)."""
        end = node.end_lineno or node.lineno
        return any(node.lineno <= line <= end for line in self.doc_lines)

    def _doctests(self, name: str) -> bool:
        return self.doctests or name in self.facts.doctest_names

    def _doc_kept_by_name(self, name: str) -> bool:
        return (self.keep_docstrings or self.local.doc_any or name in self.facts.doc_names
                or name in self.facts.cli_funcs)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        key = self.defs[id(node)]
        bases = {_last(b) for b in node.bases}
        if _removable_doc(node, self._doctests(node.name)) and not (
                self._doc_kept_by_name(node.name) or bases & self.facts.doc_bases
                or node.name in self.facts.doc_bases or self._reads_doc(node)):
            self.plan.drop_docstrings.add(key)
        keep = (self.keep_annotations or self.local.hint_any
                or node.name in self.facts.special_classes
                or node.name in self.facts.hint_names
                or bool(node.decorator_list or node.keywords)
                or any(kept for _, kept in self.classes))
        if not keep:
            self.plan.drop_var_annotations.add(key)
        self.classes.append((node.name, keep))
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        key = self.defs[id(node)]
        decorators = {_last(d) for d in node.decorator_list}
        cli = bool(decorators & CLI_DECORATORS)
        if _removable_doc(node, self._doctests(node.name)) and not (
                self._doc_kept_by_name(node.name) or cli):
            self.plan.drop_docstrings.add(key)
        if not self._annotations_kept(node, decorators):
            self.plan.drop_fn_annotations.add(key)
        self._bare_annotations(node, key)
        saved, self.classes = self.classes, []
        self.generic_visit(node)
        self.classes = saved

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _annotations_kept(self, node: ast.FunctionDef | ast.AsyncFunctionDef,
                          decorators: set[str | None]) -> bool:
        facts = self.facts
        if self.keep_annotations or self.local.hint_any or decorators - HARMLESS_DECORATORS:
            return True
        if node.name in facts.hint_names | facts.cli_funcs | facts.escaped:
            return True
        if self.classes:
            cls_name, cls_kept = self.classes[-1]
            if cls_kept or (node.name in _INIT_NAMES and cls_name in facts.escaped):
                return True
        return False

    def _bare_annotations(self, node: ast.FunctionDef | ast.AsyncFunctionDef, key: Key
                          ) -> None:
        """``x: T`` alone makes x local; keep it where nothing else binds x."""
        bare = [s for s in _own_statements(node) if isinstance(s, ast.AnnAssign)
                and s.value is None and isinstance(s.target, ast.Name)]
        if not bare:
            return
        bound = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        for sub in _own_nodes(node):
            if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                if not any(sub is s.target for s in bare):
                    bound.add(sub.id)
            elif isinstance(sub, ast.alias):
                bound.add((sub.asname or sub.name).split(".")[0])
            elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(sub.name)
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                bound.add(sub.name)
        for s in bare:
            assert isinstance(s.target, ast.Name)
            if s.target.id not in bound:
                self.plan.bare_kept.add((key, s.target.id))


def _own_nodes(func: ast.AST):
    """Nodes of a function's own scope (nested defs, classes and lambdas not entered)."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                          | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _own_statements(func: ast.AST):
    return (n for n in _own_nodes(func) if isinstance(n, ast.stmt))


__all__ = ["Key", "ModuleFacts", "TreeFacts", "collect_facts", "decide", "module_name"]
