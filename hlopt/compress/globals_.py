"""``--rename-globals``: short names for module-level variables, importers rewritten too.

A module-level name is renamed only when every use of it in the tree is known: it is
bound by assignment (never a def, class or import, whose ``__name__`` or identity other
code may see), it is not a dunder, no class body of its module binds the same name, no
string anywhere in the tree spells it (``__all__``, ``getattr(mod, "X")``, mock targets),
and no attribute ``.X`` in the tree is read from anything but that module. The module
itself must not use ``globals()``, ``vars()``, ``exec()``, ``eval()`` or a module
``__getattr__``, nor be imported with ``*``. Importers keep their own name:
``from m import X`` becomes ``from m import a as X``; ``m.X`` becomes ``m.a``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.compress.layout import normalize_newlines
from hlopt.compress.model import Plan
from hlopt.compress.rename import identifiers, short_names
from hlopt.compress.scopes import ColumnMap, Scope, build_scopes, resolve
from hlopt.core.files import read_source
from hlopt.core.report import Finding, Severity

_WORD = re.compile(r"[A-Za-z_]\w*")
_DYNAMIC = {"globals", "vars", "locals", "exec", "eval", "__import__"}


@dataclass
class _Module:
    path: Path
    name: str
    is_package: bool
    tree: ast.Module
    col: ColumnMap
    scopes: Scope
    #: module-level names bound only by assignment-like statements
    assigned: set[str] = field(default_factory=set)
    refused: str | None = None
    #: import alias (bound at module level, once) -> dotted module
    aliases: dict[str, str] = field(default_factory=dict)


def module_names(path: Path, roots: list[Path]) -> tuple[str, bool]:
    """The dotted name of ``path`` relative to the input root that holds it."""
    for root in roots:
        base = root.resolve()
        if base.is_file():
            base = base.parent
        elif (base / "__init__.py").is_file():
            base = base.parent
        try:
            rel = path.resolve().relative_to(base)
        except ValueError:
            continue
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        return ".".join(parts), is_package
    return path.stem, False


def plan_globals(files: list[tuple[Path, object]], roots: tuple[Path, ...]) -> tuple[
        dict[Path, Plan], dict[Path, set[str]], list[Finding]]:
    """Per-file extra plans, the new names each module binds, and refusal findings."""
    modules = {m.name: m for m in (_load(p, list(roots)) for p, _ in files) if m is not None}
    words, loose = _tree_words(modules)
    for m in modules.values():
        for target in _star_targets(m):
            if target in modules:
                modules[target].refused = "another module imports it with `*`"
    plans: dict[Path, Plan] = {m.path: Plan() for m in modules.values()}
    taken: dict[Path, set[str]] = {}
    findings: list[Finding] = []
    for m in modules.values():
        if m.refused:
            findings.append(Finding("HLC003", f"module-level names of {m.name} not renamed: "
                                    f"{m.refused}", m.path, None, None, Severity.INFO))
            continue
        new = _choose(m, modules, words, loose)
        taken[m.path] = set(new.values())
        if new:
            _rewrite_module(m, new, plans[m.path])
            for other in modules.values():
                _rewrite_importer(other, m.name, new, modules, plans[other.path])
    return plans, taken, findings


def _load(path: Path, roots: list[Path]) -> _Module | None:
    try:
        text = normalize_newlines(read_source(path).text)
        tree = ast.parse(text)
    except Exception:  # reported by the scan phase already
        return None
    name, is_package = module_names(path, roots)
    col = ColumnMap(text)
    m = _Module(path, name, is_package, tree, col, build_scopes(tree, text))
    _survey(m)
    return m


def _survey(m: _Module) -> None:
    """Assigned names, import aliases and reasons to refuse, from the module's top level."""
    counts: dict[str, int] = {}
    other: set[str] = set()
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in _DYNAMIC):
            m.refused = f"it calls {node.func.id}()"
        elif isinstance(node, ast.FunctionDef) and node.name in ("__getattr__", "__dir__"):
            if node in m.tree.body:
                m.refused = f"it defines a module {node.name}"
    for stmt in m.tree.body:
        for node in _top_level(stmt):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                m.assigned.add(node.id)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                m.assigned.add(node.name)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                other.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    other.add(bound)
                    counts[bound] = counts.get(bound, 0) + 1
                    m.aliases[bound] = _alias_target(m, node, alias)
    m.assigned -= other | set(m.scopes.keep)
    m.assigned = {n for n in m.assigned if not (n.startswith("__") and n.endswith("__"))}
    m.assigned -= {n for s in m.scopes.walk() if s.kind == "class" for n in s.bound}
    for name in list(m.aliases):
        if counts.get(name, 0) > 1 or name in m.assigned:
            del m.aliases[name]


def _top_level(stmt: ast.AST):
    """Nodes of module scope (function, class, lambda and comprehension bodies skipped)."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                      | ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp
                      | ast.GeneratorExp):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _alias_target(m: _Module, node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    if isinstance(node, ast.Import):
        return alias.name if alias.asname else alias.name.split(".")[0]
    base = _resolve_from(m, node)
    return f"{base}.{alias.name}" if base else alias.name


def _resolve_from(m: _Module, node: ast.ImportFrom) -> str:
    """The absolute module an ``import from`` names (relative levels resolved)."""
    if not node.level:
        return node.module or ""
    package = m.name.split(".") if m.is_package else m.name.split(".")[:-1]
    package = package[: len(package) - node.level + 1] if node.level > 1 else package
    return ".".join([*package, *([node.module] if node.module else [])])


def _star_targets(m: _Module) -> list[str]:
    return [_resolve_from(m, n) for n in ast.walk(m.tree)
            if isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)]


def _tree_words(modules: dict[str, _Module]) -> tuple[set[str], set[str]]:
    """Words in any string, and attribute names read from anything but a known module."""
    words: set[str] = set()
    loose: set[str] = set()
    for m in modules.values():
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words.update(_WORD.findall(node.value))
            elif isinstance(node, ast.Attribute) and _module_of(m, node.value) is None:
                loose.add(node.attr)
    return words, loose


def _module_of(m: _Module, node: ast.expr) -> str | None:
    """The dotted module an expression names through the module's import aliases."""
    if isinstance(node, ast.Name):
        return m.aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _module_of(m, node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _choose(m: _Module, modules: dict[str, _Module], words: set[str],
            loose: set[str]) -> dict[str, str]:
    """New names for m's renameable globals, most used first, only when shorter."""
    counts: dict[str, int] = {}
    for scope in m.scopes.walk():
        for occ in scope.occurrences:
            if occ.name in m.assigned and resolve(scope, occ.name) is None:
                counts[occ.name] = counts.get(occ.name, 0) + 1
    names = [n for n in m.assigned if n not in words and n not in loose]
    submodules = {k.rsplit(".", 1)[-1] for k in modules if k.startswith(m.name + ".")}
    pool = short_names(identifiers(m.tree) | submodules | words)
    chosen: dict[str, str] = {}
    new = next(pool)
    for name in sorted(names, key=lambda n: (-counts.get(n, 0), n)):
        if len(new) < len(name):
            chosen[name] = new
            new = next(pool)
    return chosen


def _rewrite_module(m: _Module, new: dict[str, str], plan: Plan) -> None:
    for scope in m.scopes.walk():
        for occ in scope.occurrences:
            if occ.name not in new:
                continue
            if occ.kind == "global":
                plan.decl_renames.setdefault(occ.key, {})[occ.name] = new[occ.name]
            elif resolve(scope, occ.name) is None:
                if occ.kind == "except":
                    plan.except_renames[occ.key] = new[occ.name]
                elif occ.kind == "name":
                    plan.renames[occ.key] = new[occ.name]


def _rewrite_importer(m: _Module, target: str, new: dict[str, str],
                      modules: dict[str, _Module], plan: Plan) -> None:
    for node in ast.walk(m.tree):
        if isinstance(node, ast.ImportFrom) and _resolve_from(m, node) == target:
            mapping = {a.name: new[a.name] for a in node.names if a.name in new}
            if mapping:
                plan.import_renames.setdefault(m.col.key(node), {}).update(mapping)
        elif isinstance(node, ast.Attribute) and node.attr in new and (
                _module_of(m, node.value) == target):
            assert node.end_lineno is not None and node.end_col_offset is not None
            end = m.col.char_col(node.end_lineno, node.end_col_offset)
            plan.attr_renames[(node.end_lineno, end - len(node.attr))] = new[node.attr]
