"""The dead-code family (HLD): unused definitions across the tree, and code that never runs.

``collect`` (``deadcode_scan``) gives each file's definitions that its own text never
mentions, its identifier tokens and its dead regions; ``check`` joins them: a definition
is unused when no file of the tree mentions its name. Precision comes first (the
protections and the confidence table are in docs/debloat.md):

==========================================================  ==========
finding                                                     confidence
==========================================================  ==========
unreachable code (HLD005), constant-false branch (HLD006)   100
unused private function or nested function (HLD001)         90
local variable assigned and never read (HLD007)             90
... in a module that reads frames (``f_locals``)            50
unused private class (HLD002)                               90
unused public function or class, application mode           80
unused private method (HLD003)                              80
unused private module-level variable (HLD004)               60
unused class defined inside a function                      60
unused public method, application mode                      60
unused public variable, application mode                    50
unused alias (``_Old = New``), kept for compatibility?      40
==========================================================  ==========

In a library (no entry points) public names are API and never reported.
"""

from __future__ import annotations

import ast
import builtins
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from hlopt.core.report import Applicability, Finding, Fix
from hlopt.debloat.deadcode_scan import (
    ClassInfo,
    Definition,
    Facts,
    Region,
    collect_facts,
    scan,
)
from hlopt.debloat.model import ModuleRef, Project

PREFIX = "HLD"

CODES = {"function": "HLD001", "class": "HLD002", "method": "HLD003", "variable": "HLD004"}
#: (private, public in an application) confidence of each kind of definition
CONFIDENCE = {"function": (90, 80), "class": (90, 80), "method": (80, 60),
              "variable": (60, 50)}
#: definitions of a particular shape: a class made inside a function may be made for its
#: side effects (a test that its creation fails); an alias is often kept for old callers
SHAPE_CONFIDENCE = {("class", "local"): 60, ("variable", "alias"): 40}
#: an unused local (HLD007): certain, but a name kept for a debugger is not rare
LOCAL_CONFIDENCE = 90
#: ... in a module that reads frames' locals (``f_locals``, ``sys._getframe``)
FRAMES_CONFIDENCE = 50
#: bases that add no methods a subclass could override
_NEUTRAL_BASES = frozenset({"object", "ABC", "Generic"})


def collect(tree: ast.Module, module: ModuleRef) -> Facts:
    """Worker: one file's definitions, references and dead regions."""
    return collect_facts(tree, module.text)


def check(project: Project) -> list[Finding]:
    """HLD001-HLD007 over the whole tree."""
    facts = list(project.facts(PREFIX))
    used = used_names(project, (f for _, f in facts))
    prefixes = frozenset().union(*(f.prefixes for _, f in facts))
    hierarchy = Hierarchy(c for _, f in facts for c in f.classes)
    method_files: Counter[str] = Counter()
    for _, f in facts:
        method_files.update(f.methods)
        method_files.update(f.multi)
    judge = _Judge(used, prefixes, hierarchy, method_files, project.is_application)
    out: list[Finding] = []
    for m, f in facts:
        out.extend(region_finding(r, m.path, f.frames) for r in f.regions)
        out.extend(_outermost(judge.finding(d, m.path, f.dynamic) for d in f.defs))
    return out


def used_names(project: Project, facts: Iterable[Facts]) -> set[str]:
    """Every name the tree mentions, plus the whitelist, entry points and imported names."""
    used: set[str] = set()
    for f in facts:
        used |= f.refs
    used |= project.whitelist
    for entry in project.entries:
        used.update(entry.replace(":", ".").replace("/", ".").split("."))
    for names in project.imported_from.values():
        used |= names
    return used


class Hierarchy:
    """Classes by name; whether a class has a base outside the tree (it may be overriding)."""

    def __init__(self, classes: Iterable[ClassInfo]) -> None:
        self.by_name: dict[str, list[ClassInfo]] = {}
        for c in classes:
            self.by_name.setdefault(c.name, []).append(c)
        self._open: dict[str, bool] = {}
        self._hooks: dict[str, bool] = {}

    def is_open(self, name: str) -> bool:
        """A base (at any depth) is neither in the tree nor a builtin type, or is a Protocol."""
        return self._walk(name, self._open, lambda c: c.protocol, external=True)

    def has_hooks(self, name: str) -> bool:
        """An ancestor registers subclasses (``__init_subclass__``, a metaclass) or runs tests."""
        return self._walk(name, self._hooks,
                          lambda c: c.hooks or c.name.endswith("TestCase"), external=False)

    def builtin_attrs(self, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        """Attribute names of the builtin types ``name`` derives from."""
        out: set[str] = set()
        for c in self.by_name.get(name, ()):
            for b in c.bases:
                if b in self.by_name and b not in seen:
                    out |= self.builtin_attrs(b, seen | {name})
                elif _builtin_type(b):
                    out |= _type_attrs(b)
        return out

    def _walk(self, name: str, memo: dict[str, bool], test: Callable[[ClassInfo], bool],
              external: bool) -> bool:
        if name in memo:
            return memo[name]
        memo[name] = False  # a cycle (two classes named alike) adds nothing
        result = False
        for c in self.by_name.get(name, ()):
            if test(c):
                result = True
            for b in c.bases:
                if b in self.by_name:
                    result = result or self._walk(b, memo, test, external)
                elif external and b not in _NEUTRAL_BASES and not _builtin_type(b):
                    result = True
        memo[name] = result
        return result


@cache
def _builtin_type(name: str) -> bool:
    return isinstance(getattr(builtins, name, None), type)


@cache
def _type_attrs(name: str) -> frozenset[str]:
    return frozenset(dir(getattr(builtins, name)))


class _Judge:
    """Decides whether one definition is dead, and how sure that is."""

    def __init__(self, used: set[str], prefixes: frozenset[str], hierarchy: Hierarchy,
                 method_files: Counter[str], application: bool) -> None:
        self.used = used
        self.prefixes = prefixes
        self.hierarchy = hierarchy
        self.method_files = method_files
        self.application = application

    def confidence(self, d: Definition, dynamic: bool) -> int | None:
        if d.name in self.used or self._built(d.name):
            return None
        if d.public and not self.application:
            return None  # a library's public names are its API
        if d.module_level and dynamic:
            return None  # reached through globals() or a module __getattr__
        if d.kind == "method" and self._overrides(d):
            return None
        if d.kind == "class" and (self.hierarchy.is_open(d.name)
                                  or self.hierarchy.has_hooks(d.name)):
            return None
        shaped = SHAPE_CONFIDENCE.get((d.kind, d.shape))
        if shaped is not None:
            return shaped
        private, public = CONFIDENCE[d.kind]
        return public if d.public else private

    def _built(self, name: str) -> bool:
        """A string literal such as ``"visit_"`` prefixes the name: built at run time."""
        return any(name[:k] in self.prefixes for k in range(3, len(name) + 1))

    def _overrides(self, d: Definition) -> bool:
        h = self.hierarchy
        return (self.method_files[d.name] > 1 or h.is_open(d.owner)
                or d.name in h.builtin_attrs(d.owner))

    def finding(self, d: Definition, path: Path, dynamic: bool) -> Finding | None:
        conf = self.confidence(d, dynamic)
        if conf is None:
            return None
        label = d.qualname if d.kind == "method" else d.name
        kind = "variable" if d.kind == "variable" else d.kind
        fix = (Fix(f"Remove unused {kind} `{label}`", Applicability.UNSAFE)
               if d.fixable else None)
        return Finding(
            CODES[d.kind], f"unused {kind} `{label}`", path, d.line, d.col, fix=fix,
            confidence=conf, end_line=d.end_line,
            data={"kind": d.kind, "name": d.name, "qualname": d.qualname, "key": d.key,
                  "nth": d.nth, "count": d.count},
        )


def _outermost(findings: Iterable[Finding | None]) -> list[Finding]:
    """Drop a finding inside another reported definition that is at least as certain."""
    out: list[Finding] = []
    spans: list[Finding] = []
    for f in sorted((f for f in findings if f is not None), key=lambda f: f.line or 0):
        spans = [s for s in spans if (s.end_line or 0) >= (f.line or 0)]
        if any((s.confidence or 0) >= (f.confidence or 0) for s in spans):
            continue
        spans.append(f)
        out.append(f)
    return out


def region_finding(r: Region, path: Path, frames: bool = False) -> Finding:
    if r.code == "HLD007":
        keep = r.condition == "value"
        if r.condition == "except":
            message = f"exception bound to `{r.keyword}` is never used"
            fix = Fix(f"Remove `as {r.keyword}`", Applicability.SAFE)
        else:
            message = f"local variable `{r.keyword}` is assigned but never used"
            fix = Fix(f"Keep only the value: drop `{r.keyword} =`" if keep
                      else f"Remove the assignment to `{r.keyword}`", Applicability.UNSAFE)
        return Finding(
            r.code, message, path, r.line, r.col, fix=fix,
            confidence=FRAMES_CONFIDENCE if frames else LOCAL_CONFIDENCE,
            end_line=r.end_line, end_col=r.end_col,
            data={"kind": "except" if r.condition == "except" else "local",
                  "name": r.keyword, "keep_value": keep, "key": r.key,
                  "nth": r.nth, "count": r.count},
        )
    if r.code == "HLD005":
        after = ("an `if` whose every branch exits" if r.keyword == "if"
                 else f"`{r.keyword}`")
        message, title = f"unreachable code after {after}", "Remove unreachable code"
    elif r.keyword == "else":
        message = f"`else` branch never runs: condition `{r.condition}` is always true"
        title = "Remove the `else` branch"
    else:
        message = f"`{r.keyword} {r.condition}:` branch never runs"
        title = f"Remove the `{r.keyword} {r.condition}:` branch"
    return Finding(
        r.code, message, path, r.line, r.col, fix=Fix(title, Applicability.UNSAFE),
        confidence=100, end_line=r.end_line, end_col=r.end_col,
        data={"kind": r.keyword, "key": r.key, "nth": r.nth, "count": r.count},
    )


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Remove the dead definitions and regions ``findings`` name (libcst, one pass).

    A finding is found again by its key and rank (``data``), not by its line, since an
    earlier family's fix of the same file may have moved lines; it applies only while the
    file holds as many definitions (or regions) of that key as when it was analysed, so a
    second pass changes nothing. A file libcst cannot parse raises ParserSyntaxError,
    which the engine reports (HLX005); its findings are reported again after ``--fix``.
    """
    from hlopt.debloat.codemods.dead_code import remove_dead_code

    now = scan(ast.parse(text))
    places: dict[str, list[tuple[str, int]]] = {}
    for d in now.defs:
        places.setdefault(d.key, []).append((d.name, d.line))
    for r in now.regions:
        places.setdefault(r.key, []).append((r.keyword, r.line))
    targets = []
    for f in findings:
        data = f.data or {}
        key = data.get("key")
        if key is None or now.counts[key] != data["count"] or data["nth"] >= len(places[key]):
            continue
        label, line = places[key][data["nth"]]
        code = ("HLD007+value" if data.get("keep_value") else
                "HLD007+except" if data.get("kind") == "except" else f.code)
        targets.append((code, label, line))
    if not targets:
        return text
    return remove_dead_code(text, targets)  # libcst parse errors are the engine's (HLX005)


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """Findings whose definition or region is still there after the fix."""
    counts = scan(tree).counts
    fixed = Counter(f.data["key"] for f in findings if f.data is not None)
    expected = {f.data["key"]: f.data["count"] for f in findings if f.data is not None}
    return [f"{key} still present" for key, n in fixed.items()
            if counts[key] > expected[key] - n]
