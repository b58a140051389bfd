"""The unused-imports family (HLI): whole-project aware detection and a comment-keeping fix.

``collect`` reads one file (``import_usage.analyse_module``: which aliases its scope never
reads, and what the file says about removing them); ``check`` decides, with every
module's facts at hand, which unused aliases really are unused and how safe removing each
one is. The first matching row decides (docs/debloat.md has the reasons):

==========================================================  ===========================
unused import                                               fix
==========================================================  ===========================
in a ``try:`` body with handlers (a probe, or meant to raise)  display-only advice
in ``if TYPE_CHECKING:`` (never runs)                       safe
scope reads names dynamically (``globals()``, ``eval``...)  unsafe, confidence 60
class body, ``with`` block, block of only imports,          unsafe
commented, module name also a string
in a function                                               safe
public, module level of a package ``__init__.py``           unsafe (package API)
public ``from x import Name``, no ``__all__``, library      unsafe (may be API)
public, ``__all__`` built by code                           unsafe
a submodule other modules reach as an attribute             unsafe
any other (``import os``, private names)                    safe
==========================================================  ===========================

Never reported: ``__future__`` and star imports, ``import x as x`` re-exports, dunders,
names in ``__all__``, names another analysed module imports from this one (or reaches as
``mod.name`` / ``"pkg.mod.name"``), public names of a star-imported module without
``__all__``, side-effect modules, whitelisted names, ``# noqa``.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat.import_usage import DYNAMIC, Facts, Site, alias_counts, analyse_module
from hlopt.debloat.model import ModuleInfo, ModuleRef, Project

PREFIX = "HLI"

#: modules imported for what importing them does; extended by
#: ``[tool.hlopt.debloat] side-effect-imports`` (a name covers its submodules; globs match
#: the whole dotted name or its last part)
DEFAULT_SIDE_EFFECT_IMPORTS: tuple[str, ...] = (
    "readline", "rlcompleter", "antigravity", "this", "__hello__", "__phello__",
    "sitecustomize", "usercustomize", "encodings", "mpl_toolkits.mplot3d", "*_rc",
)
#: confidence of a finding in a module that reads names dynamically
DYNAMIC_CONFIDENCE = 60


def collect(tree: ast.Module, module: ModuleRef) -> Facts:
    """Worker: one module's unused aliases, duplicates and references."""
    return analyse_module(tree, module.text, module.name, module.is_package)


def check(project: Project) -> list[Finding]:
    """HLI001 and HLI002 over the whole tree."""
    refs: dict[str, set[str]] = {}
    for _, facts in project.facts(PREFIX):
        for mod, attr in facts.refs:
            refs.setdefault(mod, set()).add(attr)
    side = SideEffects(DEFAULT_SIDE_EFFECT_IMPORTS + tuple(project.side_effect_imports))
    out: list[Finding] = []
    for m, facts in project.facts(PREFIX):
        ctx = _Context(project, m, facts, refs, side)
        out.extend(f for f in map(ctx.unused, facts.unused) if f is not None)
        out.extend(ctx.duplicate(site, first, safe) for site, first, safe in facts.duplicates
                   if not ctx.suppressed(site, "HLI002"))
    return out


class SideEffects:
    """Matches module names against the side-effect list."""

    def __init__(self, patterns: Iterable[str]) -> None:
        pats = [p.strip() for p in patterns if p.strip()]
        self.exact = {p for p in pats if not any(c in p for c in "*?[")}
        self.globs = [p for p in pats if p not in self.exact]

    def __contains__(self, module: str) -> bool:
        parts = module.split(".")
        if any(".".join(parts[:i]) in self.exact for i in range(1, len(parts) + 1)):
            return True
        return any(fnmatchcase(module, g) or fnmatchcase(parts[-1], g) for g in self.globs)


class _Context:
    """Deciding one module's findings with the whole project's indexes."""

    def __init__(self, project: Project, m: ModuleInfo, facts: Facts,
                 refs: dict[str, set[str]], side: SideEffects) -> None:
        self.project, self.m, self.facts, self.side, self.refs = project, m, facts, side, refs
        self.used_outside = project.imported_from.get(m.name, set()) | refs.get(m.name, set())
        self.star_exported = "*" in self.used_outside and not facts.has_all

    def suppressed(self, site: Site, code: str) -> bool:
        """``# noqa`` on the alias's line, or on the first or last line of its statement."""
        noqa = self.m.noqa
        return any(noqa.suppresses(Finding(code, "", self.m.path, line))
                   for line in {site.line, site.stmt_line, site.stmt_end})

    def kept(self, site: Site) -> bool:
        """Used in a way the module's own text does not show."""
        if site.module in self.side or (site.name and site.target in self.side):
            return True
        if site.binding in self.project.whitelist:
            return True
        if site.kind != "module":
            return False
        return site.binding in self.used_outside or (self.star_exported and site.is_public)

    def unused(self, site: Site) -> Finding | None:
        if self.kept(site) or self.suppressed(site, "HLI001"):
            return None
        how, reason = self.safety(site)
        suffix, fix = _advice(site, how, reason)
        message = f"{_quoted(site)} imported but unused{suffix}"
        confidence = DYNAMIC_CONFIDENCE if reason == DYNAMIC else None
        return Finding("HLI001", message, self.m.path, site.line, site.col, Severity.WARNING,
                       fix, confidence, site.end_line, site.end_col, _data(site, reason))

    def safety(self, site: Site) -> tuple[Applicability | None, str]:
        """The fix applicability for an unused alias and the reason (see the module doc)."""
        if site.try_kind == "import":
            return None, "optional-dependency probe inside try/except ImportError"
        if site.try_kind:
            return None, "inside a try body whose handlers may expect the import to raise"
        if site.in_type_checking:
            return Applicability.SAFE, "TYPE_CHECKING import: no runtime effect"
        if site.unsafe:
            return Applicability.UNSAFE, site.unsafe
        if site.kind == "function":
            return Applicability.SAFE, "function-local import"
        return self._module_level(site)

    def _module_level(self, site: Site) -> tuple[Applicability, str]:
        unsafe = Applicability.UNSAFE
        if site.is_public and self.m.is_package:
            return unsafe, _API_INIT
        if (site.is_public and site.name is not None and not self.facts.has_all
                and not self.project.is_application):
            return unsafe, "public name in a library module without __all__: may be API"
        if site.is_public and self.facts.all_dynamic:
            return unsafe, "__all__ is computed: the name may be exported"
        parent, _, child = site.target.rpartition(".")
        if parent and child in self.refs.get(parent, ()):
            return unsafe, f"other code reaches `{site.target}` as an attribute"
        return Applicability.SAFE, "unused module-level import"

    def duplicate(self, site: Site, first: int, safe: bool) -> Finding:
        how = Applicability.SAFE if safe else Applicability.UNSAFE
        reason = ("same import earlier in the block" if safe else
                  "code between the two may rebind the name or reload the module")
        return Finding("HLI002", f"{_quoted(site)} imported again (first on line {first})",
                       self.m.path, site.line, site.col, Severity.WARNING,
                       Fix(f"Remove duplicate import `{site.written}`", how), None,
                       site.end_line, site.end_col, _data(site, reason))


_API_INIT = "package __init__ import: part of the package API"


def _advice(site: Site, how: Applicability | None, reason: str) -> tuple[str, Fix]:
    """(message suffix, fix) for an unused alias."""
    remove = f"Remove unused import `{site.written}`"
    if how is not None:
        hint = "; consider adding it to `__all__` or a redundant alias (`x as x`)"
        return (hint if reason == _API_INIT else ""), Fix(remove, how)
    if site.try_kind == "import":
        title = f"Use `importlib.util.find_spec({site.target!r})` to test for availability"
        return ("; consider `importlib.util.find_spec` to test for availability",
                Fix(title, Applicability.DISPLAY_ONLY))
    return "", Fix(f"{remove} if nothing expects it to raise", Applicability.DISPLAY_ONLY)


def _quoted(site: Site) -> str:
    last = site.written.rsplit(".", 1)[-1]
    if site.binding != last and site.binding != site.written.split(".", 1)[0]:
        return f"`{site.written}` (as `{site.binding}`)"
    return f"`{site.written}`"


def _data(site: Site, reason: str) -> dict[str, object]:
    return {
        "name": site.binding, "module": site.module, "import": site.name,
        "scope": site.scope, "key": site.key, "nth": site.nth, "of": site.of,
        "stmt_line": site.stmt_line, "reason": reason,
    }


def _groups(findings: Iterable[Finding]) -> dict[tuple[str, str], tuple[int, list[int]]]:
    """(scope, key) -> (aliases there before the fix, nths to remove)."""
    out: dict[tuple[str, str], tuple[int, list[int]]] = {}
    for f in findings:
        d = f.data or {}
        if "key" not in d:
            continue
        of, nths = out.setdefault((d["scope"], d["key"]), (int(d["of"]), []))
        nths.append(int(d["nth"]))
    return out


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Remove the aliases the findings name; a second run with the same findings is a no-op.

    An alias is found by (scope, statement form, n-th occurrence), not by line, and only
    while its group still has as many aliases as when it was analysed: once removed, the
    group is smaller and the finding no longer applies.
    """
    from hlopt.debloat.codemods.unused_import import remove_imports

    groups = _groups(findings)
    if not groups:
        return text
    counts = alias_counts(ast.parse(text))
    targets = {(scope, key, n) for (scope, key), (of, nths) in groups.items()
               if counts[scope, key] == of for n in nths}
    return remove_imports(text, targets) if targets else text


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """Aliases a fix was meant to remove that are still there."""
    counts: Counter[tuple[str, str]] = alias_counts(tree)
    left = []
    for (scope, key), (of, nths) in _groups(findings).items():
        if counts[scope, key] > of - len(set(nths)):
            where = f" in `{scope}`" if scope else ""
            left.append(f"`{key}`{where} is still there")
    return left
