"""Choose short names for local variables, and refuse where renaming could be seen.

A local is renamed only when every place that reads it is known: never in a function
(or around a nested scope) that calls ``locals()``, ``vars()``, ``dir()``, ``exec()`` or
``eval()`` or inspects frames; never a parameter a caller may pass by keyword; never a
def, class or import name (``__name__`` and gains); never a name whose text is visible at
run time (f-string ``{x=}``, annotations). Names read by nested scopes are renamed in
every scope consistently, because all occurrences are resolved to their binding first.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import keyword
import string
from collections.abc import Iterator
from dataclasses import dataclass, field

from hlopt.compress.scopes import (
    FUNCTION_KINDS,
    Occurrence,
    Scope,
    build_scopes,
    check_with_symtable,
    resolve,
)

Key = tuple[int, int]
#: decorators under which the first parameter is still the bound instance or class
_SELF_DECORATORS = frozenset({"classmethod", "property", "setter", "getter", "deleter",
                              "abstractmethod", "cache", "lru_cache", "cached_property",
                              "contextmanager", "asynccontextmanager", "override", "final"})
_RESERVED = (set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
             | {"self", "cls"})


@dataclass
class Renames:
    """The renaming of one module, by occurrence position, and the refused functions."""

    names: dict[Key, str] = field(default_factory=dict)
    excepts: dict[Key, str] = field(default_factory=dict)
    nonlocals: dict[Key, dict[str, str]] = field(default_factory=dict)
    #: (line, function name, reason) for each function whose locals were not renamed
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def identifiers(tree: ast.AST) -> set[str]:
    """Every name the module writes as a variable, parameter, def, class or import."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.update((node.asname or node.name).split("."))
        elif isinstance(node, ast.Global | ast.Nonlocal):
            found.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            found.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            found.add(node.rest)
    return found


def short_names(taken: set[str]) -> Iterator[str]:
    """a, b, ..., Z, aa, ab, ... skipping keywords, builtins and ``taken``."""
    first = string.ascii_letters
    rest = string.ascii_letters + string.digits + "_"
    for length in itertools.count(1):
        for head in first:
            for tail in itertools.product(rest, repeat=length - 1):
                name = head + "".join(tail)
                if name not in taken and name not in _RESERVED:
                    yield name


def plan_locals(tree: ast.Module, text: str, filename: str, *,
                taken: set[str] | None = None, quiet_signatures: set[Key] | None = None,
                keywords: set[tuple[str, str]] | None = None) -> Renames:
    """Rename every local that can be renamed safely; report the refused functions.

    Args:
        quiet_signatures: defs whose signature nothing reads (their annotations are
            dropped); a method among them may have its first parameter (``self``)
            renamed when no call in the tree passes that name as a keyword.
        keywords: (receiver, keyword) of every keyword passed in a call in the tree.
    """
    module = build_scopes(tree, text)
    check_with_symtable(module, text, filename)
    if quiet_signatures is not None:
        _free_self(module, quiet_signatures, keywords or set())
    refused = _refusals(module)
    bindings = _bindings(module)
    result = Renames()
    forbidden = identifiers(tree) | (taken or set())
    _assign(module, bindings, refused, forbidden, set(), result)
    result.refused = sorted({(s.lineno, s.name, why) for s, why in refused.items()
                             if s.kind == "function"})
    return result


def _free_self(module: Scope, quiet: set[Key], keywords: set[tuple[str, str]]) -> None:
    """Let ``self``/``cls`` be renamed where no caller can pass it by name."""
    for scope in module.walk():
        first = scope.first_param
        if (scope.kind == "function" and scope.in_class and scope.key in quiet
                and first is not None and first in scope.fixed
                and (scope.name, first) not in keywords and ("*", first) not in keywords
                and not scope.decorators - _SELF_DECORATORS):
            scope.fixed.discard(first)


def _refusals(module: Scope) -> dict[Scope, str]:
    """Scopes not renamed: dynamic access in them or in a nested scope, or unverified."""
    refused: dict[Scope, str] = {}
    for scope in module.walk():
        if scope.dynamic:
            s: Scope | None = scope
            while s is not None and s.kind != "module":
                refused.setdefault(s, f"uses {scope.dynamic}")
                s = s.parent
        if scope.unverified:
            refused.setdefault(scope, "scope analysis did not match CPython's symtable")
    return refused


def _bindings(module: Scope) -> dict[tuple[Scope, str], list[Occurrence]]:
    """Every occurrence grouped by the (function scope, name) binding it refers to."""
    groups: dict[tuple[Scope, str], list[Occurrence]] = {}
    visible: set[tuple[Scope, str]] = set()
    for scope in module.walk():
        for occ in scope.occurrences:
            target = resolve(scope, occ.name)
            if target is None or target.kind not in FUNCTION_KINDS:
                continue
            groups.setdefault((target, occ.name), []).append(occ)
            if occ.name in scope.visible_text:
                visible.add((target, occ.name))
    return {k: v for k, v in groups.items() if k not in visible}


def _candidates(scope: Scope) -> set[str]:
    names = scope.locals - scope.fixed - scope.keep
    return {n for n in names if not (n.startswith("__") and n.endswith("__"))}


def _assign(scope: Scope, bindings: dict[tuple[Scope, str], list[Occurrence]],
            refused: dict[Scope, str], forbidden: set[str], outer: set[str],
            result: Renames) -> None:
    """Pick names for ``scope``'s locals (most used first), then recurse into children."""
    mine: set[str] = set()
    if scope.kind in FUNCTION_KINDS and scope not in refused:
        ranked = sorted(((len(bindings[(scope, n)]), n) for n in _candidates(scope)
                         if (scope, n) in bindings), key=lambda t: (-t[0], t[1]))
        pool = short_names(forbidden | outer)
        new = next(pool)
        for _, old in ranked:
            if len(new) >= len(old):
                continue
            mine.add(new)
            _record(bindings[(scope, old)], old, new, result)
            new = next(pool)
    for child in scope.children:
        _assign(child, bindings, refused, forbidden, outer | mine, result)


def _record(occurrences: list[Occurrence], old: str, new: str, result: Renames) -> None:
    for occ in occurrences:
        if occ.kind == "name":
            result.names[occ.key] = new
        elif occ.kind == "except":
            result.excepts[occ.key] = new
        else:
            result.nonlocals.setdefault(occ.key, {})[old] = new
