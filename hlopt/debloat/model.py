"""The data the debloat families work on: one ``ModuleInfo`` per file, one ``Project``.

A family is a module with this interface (see ``imports.py`` for a full example)::

    PREFIX = "HLI"
    def collect(tree: ast.Module, module: ModuleRef) -> object      # worker process, picklable
    def check(project: Project) -> list[Finding]                    # main process, whole tree
    def fix(text: str, path: Path, findings: list[Finding]) -> str  # optional: libcst rewrite
    def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]
                                                                    # optional: what a fix left

``collect`` runs in parallel over files; ``check`` sees every file's facts at once, which
is what makes the analysis whole-project aware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.config import Config
from hlopt.core.noqa import NoqaMap
from hlopt.core.progress import Progress, no_progress
from hlopt.core.report import Finding
from hlopt.debloat.scan import ImportBinding


@dataclass(frozen=True)
class Options:
    """Options of ``hlopt debloat``; CLI values override ``[tool.hlopt.debloat]``."""

    paths: tuple[Path, ...] = (Path("."),)
    #: apply safe fixes (and unsafe ones with ``unsafe_fixes``)
    fix: bool = False
    unsafe_fixes: bool = False
    #: compute fixes and put their unified diff in the report; write nothing
    diff: bool = False
    #: exit 1 when a fix would change a file; write nothing
    check: bool = False
    #: rule prefixes to enable (None: all) and to disable
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: entry points (module, module:func, or file): the tree is a closed application
    entry: tuple[str, ...] = ()
    min_confidence: int = 0
    #: files of names to treat as used
    whitelist: tuple[Path, ...] = ()
    #: modules imported for their side effects, never reported as unused (added to config's)
    side_effect_imports: tuple[str, ...] = ()
    jobs: int | None = None
    #: an ``hlopt profile --format json`` report: findings in hot functions come first
    profile: Path | None = None
    respect_gitignore: bool = True
    config: Path | None = None
    progress: Progress = no_progress


@dataclass(frozen=True)
class ModuleRef:
    """What a worker knows about the file it scans."""

    path: Path
    name: str
    is_package: bool
    text: str


@dataclass
class ModuleInfo:
    """One analysed file: its identity, size, shared facts, and each family's facts."""

    path: Path
    name: str
    is_package: bool
    lines: int = 0
    size: int = 0
    imports: list[ImportBinding] = field(default_factory=list)
    #: each family's collect() result, by family prefix
    facts: dict[str, Any] = field(default_factory=dict)
    noqa: NoqaMap = field(default_factory=lambda: NoqaMap({}))
    #: an HLX finding when the file could not be read or parsed (then there are no facts)
    problem: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class Project:
    """Every analysed module, plus the indexes families share."""

    root: Path
    modules: list[ModuleInfo]
    config: Config
    options: Options
    #: entry points: from --entry and [project.scripts]; empty for a library
    entries: tuple[str, ...] = ()
    whitelist: frozenset[str] = frozenset()
    side_effect_imports: frozenset[str] = frozenset()
    by_name: dict[str, ModuleInfo] = field(default_factory=dict)
    #: module name -> names that other analysed modules import from it ("*" for star)
    imported_from: dict[str, set[str]] = field(default_factory=dict)
    #: what families measured while checking (name -> (unit, value)); the engine reports
    #: each as a metric, measured again after --fix
    measured: dict[str, tuple[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in self.modules:
            if m.ok and m.name:
                self.by_name.setdefault(m.name, m)
        for m in self.modules:
            for imp in m.imports:
                self._index(imp)

    def _index(self, imp: ImportBinding) -> None:
        if not imp.module:
            return
        if imp.name is None:
            # `import a.b.c` makes a, a.b and a.b.c reachable as attributes
            parts = imp.module.split(".")
            for i in range(1, len(parts)):
                self.imported_from.setdefault(".".join(parts[:i]), set()).add(parts[i])
            return
        self.imported_from.setdefault(imp.module, set()).add(imp.name)
        # `from pkg import sub` may import the submodule pkg.sub
        self.imported_from.setdefault(f"{imp.module}.{imp.name}", set())

    @property
    def is_application(self) -> bool:
        """With entry points, the tree is closed: public names are not API."""
        return bool(self.entries)

    def ok_modules(self) -> Iterator[ModuleInfo]:
        return (m for m in self.modules if m.ok)

    def facts(self, prefix: str) -> Iterator[tuple[ModuleInfo, Any]]:
        """(module, facts) for every parsed module that has facts from ``prefix``."""
        return ((m, m.facts[prefix]) for m in self.ok_modules() if prefix in m.facts)


#: a family's functions, looked up by name on its module
Collect = Callable[[Any, ModuleRef], Any]
Check = Callable[[Project], list[Finding]]
FixFn = Callable[[str, Path, list[Finding]], str]
Remaining = Callable[[str, Any, list[Finding]], list[str]]


@dataclass(frozen=True)
class Family:
    """A rule family as the engine sees it."""

    prefix: str
    collect: Collect
    check: Check
    fix: FixFn | None = None
    remaining: Remaining | None = None

    @classmethod
    def from_module(cls, module: Any) -> Family:
        return cls(
            prefix=module.PREFIX,
            collect=module.collect,
            check=module.check,
            fix=getattr(module, "fix", None),
            remaining=getattr(module, "remaining", None),
        )


def group_by_path(findings: list[Finding]) -> Mapping[Path, list[Finding]]:
    out: dict[Path, list[Finding]] = {}
    for f in findings:
        if f.path is not None:
            out.setdefault(f.path, []).append(f)
    return out
