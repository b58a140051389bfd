"""The HLE family: requirements pyproject.toml declares, checked against what the tree imports.

HLE001 a declared runtime requirement is never imported; HLE002 a third-party import no
declared requirement provides; HLE003 runtime code imports a package declared only for
development. Distribution names map to import names through the target interpreter's
``importlib.metadata`` (see ``deps_env``), never through a hand-written list. The facts
come from ``ModuleInfo.imports``, so ``collect`` gathers nothing of its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from hlopt.core.files import TEST_DIRS, is_test_name
from hlopt.core.noqa import parse_noqa
from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat.deps_declared import (
    BUILD,
    Declarations,
    Declared,
    find_setup_cfg,
    has_declarations,
    read_declarations,
    read_requirement_files,
    read_setup_cfg,
)
from hlopt.debloat.deps_env import (
    Distribution,
    Environment,
    guess_import_name,
    guess_import_names,
    load_environment,
    normalize,
)
from hlopt.debloat.model import ModuleInfo, ModuleRef, Project

PREFIX = "HLE"

#: top-level directories of dev code (tests are core.files.TEST_DIRS, at any depth)
DEV_TOP_DIRS = frozenset({"bench", "benchmarks", "docs", "doc", "examples", "scripts",
                          "tools", "ci", ".ci"})
#: development files at the project root (build hooks, task runners)
DEV_ROOT_FILES = frozenset({"setup.py", "noxfile.py", "pdm_build.py", "hatch_build.py",
                            "tasks.py", "fabfile.py", "dodo.py"})


def collect(tree: ast.Module, module: ModuleRef) -> None:
    """Nothing per file: ``ModuleInfo.imports`` holds every fact HLE needs."""
    return None


def check(project: Project) -> list[Finding]:
    """HLE findings for the tree against the declarations of the nearest pyproject.toml, or
    of setup.cfg when pyproject.toml declares no project."""
    path = project.config.path
    dev_groups = project.config.get_list("dev-groups", "debloat")
    if path is not None and has_declarations(project.config.pyproject):
        text = path.read_text(encoding="utf-8")
        decl = read_declarations(project.config.pyproject, text, dev_groups)
    else:
        path = find_setup_cfg(project.root)
        if path is None:
            return []
        text = path.read_text(encoding="utf-8", errors="replace")
        decl = read_setup_cfg(text, dev_groups)
        if project.config.path is not None:  # its [build-system].requires still count
            build = read_declarations(project.config.pyproject,
                                      project.config.path.read_text(encoding="utf-8"))
            decl.requirements += [d for d in build.requirements if d.group == BUILD]
    if not decl.usable:
        return []
    decl.requirements += read_requirement_files(project.root)
    ctx = _Context(project, decl, load_environment(project.root), _as_given(path, project))
    noqa = parse_noqa(text)
    unused = [f for f in ctx.unused() if not noqa.suppresses(f)]
    return ctx.undeclared() + unused


def _as_given(path: Path, project: Project) -> Path:
    """pyproject.toml relative to the working directory when the analysed paths are too."""
    if any(p.is_absolute() for p in project.options.paths):
        return path
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def is_dev_code(path: Path, root: Path) -> bool:
    """Tests (``tests/``, ``test_*.py``, ``conftest.py``) and dev scripts (``bench/``, ``docs/``)."""
    name = path.name
    if is_test_name(name):
        return True
    try:
        parts = _resolved(path.parent).relative_to(root).parts
    except ValueError:
        parts = path.parts[:-1]
    if not parts:
        return name in DEV_ROOT_FILES
    return any(p in TEST_DIRS for p in parts) or parts[0] in DEV_TOP_DIRS


def covers_project(project: Project) -> bool:
    """Whether the analysed paths hold the whole project (else "never imported" means little)."""
    root = project.root.resolve()
    tops = {root, root / "src"}
    for p in project.options.paths:
        p = p.resolve()
        if p in tops or (p.parent in tops and (p / "__init__.py").is_file()):
            return True
    return False


@dataclass(frozen=True)
class _Names:
    """What a requirement makes importable, and how hlopt knows."""

    names: frozenset[str]
    dist: Distribution | None
    #: "metadata" (installed: importlib.metadata) or "name" (not installed: PEP 503 guess)
    mapping: str


class _Context:
    """One check: the project, its declarations and the target's environment."""

    def __init__(self, project: Project, decl: Declarations, env: Environment,
                 pyproject: Path) -> None:
        self.project = project
        self.env = env
        self.pyproject = pyproject
        self.root = project.root.resolve()
        self.own_key = normalize(decl.project_name)
        self.runtime_label = decl.runtime_label
        self.requirements = [d for d in decl.requirements if d.key != self.own_key]
        self.local = {m.name.split(".", 1)[0] for m in project.ok_modules() if m.name}
        self.local.add(guess_import_name(decl.project_name))
        self._local_cache: dict[tuple[str, Path], bool] = {}
        self._names: dict[str, _Names] = {}
        self._declaring: dict[str, list[Declared]] = {}
        self.requirements = self._classify_groups()

    @cached_property
    def has_dev(self) -> bool:
        """Whether development dependencies are declared anywhere hlopt reads."""
        return any((d.dev and d.group != BUILD) or d.source != "pyproject"
                   for d in self.requirements)

    # -- what the tree imports -------------------------------------------------------------

    @cached_property
    def dev_modules(self) -> frozenset[Path]:
        return frozenset(m.path for m in self.project.ok_modules()
                         if is_dev_code(m.path, self.root))

    @cached_property
    def usage(self) -> dict[str, set[str]]:
        """Top-level module -> {"runtime", "dev"}: which kinds of code import it (any way)."""
        out: dict[str, set[str]] = {}
        for m in self.project.ok_modules():
            kind = "dev" if m.path in self.dev_modules else "runtime"
            for imp in m.imports:
                if imp.module and not imp.level:
                    out.setdefault(imp.top_level_module, set()).add(kind)
        return out

    def names_of(self, d: Declared) -> _Names:
        """Import names of a requirement: from metadata when installed, else guessed."""
        if d.name not in self._names:
            dist = self.env.get(d.name)
            if dist is not None and (dist.top_level or dist.scripts):
                self._names[d.name] = _Names(dist.top_level, dist, "metadata")
            else:
                self._names[d.name] = _Names(guess_import_names(d.name), dist, "name")
        return self._names[d.name]

    def _classify_groups(self) -> list[Declared]:
        """An extra whose packages only tests import is a dev group too."""
        groups: dict[str, list[Declared]] = {}
        for d in self.requirements:
            if d.group_name is not None and not d.dev:
                groups.setdefault(d.group, []).append(d)
        dev_only = set()
        for group, members in groups.items():
            kinds = set().union(*(self.usage.get(n, set()) for d in members
                                  for n in self.names_of(d).names))
            if kinds == {"dev"}:
                dev_only.add(group)
        return [replace(d, dev=True) if d.group in dev_only else d for d in self.requirements]

    def is_local(self, top: str, path: Path) -> bool:
        """A module of the tree, of the project, or beside the importing file (sys.path[0])."""
        if top in self.local or top in self.env.stdlib:
            return True
        directory = _resolved(path.parent)
        key = (top, directory)
        if key not in self._local_cache:
            dirs = [directory, *[d for d in directory.parents if self.root in (d, *d.parents)],
                    self.root / "src"]
            self._local_cache[key] = any(_module_in(d, top) for d in dirs)
        return self._local_cache[key]

    def declaring(self, top: str) -> list[Declared]:
        """Requirements that provide the import ``top`` (metadata, else the name guess)."""
        if top not in self._declaring:
            keys = set(self.env.providers.get(top, ()))
            self._declaring[top] = [
                d for d in self.requirements
                if d.key in keys or (self.names_of(d).mapping == "name"
                                     and top.lower() in self.names_of(d).names)
            ]
        return self._declaring[top]

    # -- HLE002 and HLE003 -----------------------------------------------------------------

    def undeclared(self) -> list[Finding]:
        out: list[Finding] = []
        for m in self.project.ok_modules():
            seen: set[str] = set()
            dev = m.path in self.dev_modules
            if m.path.suffix == ".pyi":
                continue  # stubs are read by type checkers only
            for imp in m.imports:
                top = imp.top_level_module
                if (imp.level or not imp.module or imp.in_try_import or imp.in_type_checking
                        or top in seen):
                    continue
                seen.add(top)
                if self.is_local(top, m.path):
                    continue
                if imp.conditional and top not in self.env.providers:
                    continue  # gated by version or platform: another Python's stdlib, or win32
                found = self.declaring(top)
                if not found:
                    out.append(self._undeclared(m, imp.line, imp.col, top, dev))
                elif not dev and all(d.dev for d in found):
                    out.append(self._dev_only(m, imp.line, imp.col, top, found))
        return out

    def _undeclared(self, m: ModuleInfo, line: int, col: int, top: str, dev: bool) -> Finding:
        keys = self.env.providers.get(top, ())
        dists = [self.env.distributions[k].name for k in keys]
        pulled = self._pulled_in
        via = sorted({self.env.distributions[pulled[k]].name for k in keys if k in pulled})
        unknown = sorted(d.name for d in self.requirements if self.env.get(d.name) is None)
        if dists:
            where = f"installed by `{'`, `'.join(dists)}`"
            where += f", which only `{'`, `'.join(via)}` requires" if via else ""
            conf = 90
        elif unknown:
            # one of them may provide it under another name (PyGithub is `github`)
            where = (f"no installed distribution provides it; {len(unknown)} declared "
                     "requirement(s) are not installed, so their import names are unknown")
            conf = 40
        else:
            where, conf = "no installed distribution provides it", 70
        name = dists[0] if dists else top
        target = "a dev group" if dev else self.runtime_label
        # a project that declares no dev dependencies at all keeps them elsewhere (tox.ini)
        quiet = (dev and not self.has_dev) or conf < 50
        return Finding(
            "HLE002", f"`{top}` imported but no declared requirement provides it ({where})",
            m.path, line, col, Severity.INFO if quiet else Severity.WARNING,
            Fix(f"Declare `{name}` in {target}", Applicability.DISPLAY_ONLY),
            confidence=conf,
            data={"module": top, "distributions": dists, "required_by": via,
                  "dev_code": dev, "uninstalled_declared": unknown, **self._env_data()},
        )

    @cached_property
    def _pulled_in(self) -> dict[str, str]:
        """Installed distribution -> the declared one whose requirements bring it in."""
        return self.env.required_by({d.key for d in self.requirements})

    def _dev_only(self, m: ModuleInfo, line: int, col: int, top: str,
                  found: list[Declared]) -> Finding:
        groups = sorted({d.group for d in found})
        name = found[0].name
        return Finding(
            "HLE003", f"`{top}` imported by runtime code but `{name}` is declared only in "
            f"{', '.join(groups)}",
            m.path, line, col, Severity.WARNING,
            Fix(f"Declare `{name}` in {self.runtime_label}, or import it only from tests",
                Applicability.DISPLAY_ONLY),
            confidence=90,
            data={"module": top, "distribution": name, "groups": groups, **self._env_data()},
        )

    # -- HLE001 ----------------------------------------------------------------------------

    def unused(self) -> list[Finding]:
        if not covers_project(self.project):
            return []
        used = {normalize(n) for n in self.project.config.get_list("used-dependencies",
                                                                   "debloat")}
        candidates = []
        for d in self.requirements:
            if d.dev or d.key in used or d.source != "pyproject":
                continue
            n = self.names_of(d)
            if n.names & self.usage.keys() or (n.dist is not None and n.dist.plugins):
                continue
            candidates.append((d, n))
        words = {w for _, n in candidates
                 for w in n.names | (n.dist.scripts if n.dist else frozenset())}
        referenced = self._referenced(words)
        return [self._unused(d, n) for d, n in candidates
                if not (n.names | (n.dist.scripts if n.dist else frozenset())) & referenced]

    def _referenced(self, words: Iterable[str]) -> set[str]:
        """Which of ``words`` runtime code has as a whole string constant ("-m", "ziglang")."""
        from hlopt.core.files import ReadError, read_source

        words = sorted(words, key=len, reverse=True)
        if not words:
            return set()
        pattern = re.compile(r"[\"'](" + "|".join(map(re.escape, words))
                             + r")(?:\.[\w.]*)?[\"']")
        found: set[str] = set()
        for m in self.project.ok_modules():
            if m.path in self.dev_modules:
                continue  # a name in a test's string (a list of cases) runs nothing
            try:
                text = read_source(m.path).text
            except ReadError:
                continue
            if pattern.search(text):  # cheap on the text; then only real strings count
                found.update(_string_hits(text, words))
        return found

    def _unused(self, d: Declared, n: _Names) -> Finding:
        names = ", ".join(f"`{x}`" for x in sorted(n.names))
        severity, conf = Severity.WARNING, 90
        if n.dist is not None and not n.dist.top_level:
            why, severity, conf = "it provides no importable module", Severity.INFO, 40
        elif n.dist is None and not d.applies(self.env.markers):
            why = f"not installed here: its marker `{d.marker}` is false"
            severity, conf = Severity.INFO, 40
        elif n.dist is None:
            # the guess misses renamed imports (PyYAML is `yaml`): advice, not a failure
            why = f"not installed: import name(s) {names} guessed from its name"
            severity, conf = Severity.INFO, 50
        else:
            why = f"provides {names}"
        verb = "imported or run by name" if n.dist is not None and n.dist.scripts else "imported"
        return Finding(
            "HLE001", f"`{d.name}` declared in {d.group} but never {verb} ({why})",
            self.pyproject, d.line, d.col, severity,
            Fix(f"Remove `{d.text}` from {d.group}", Applicability.DISPLAY_ONLY),
            confidence=conf,
            data={"distribution": d.name, "requirement": d.text, "group": d.group,
                  "import_names": sorted(n.names), "mapping": n.mapping,
                  "installed": n.dist is not None, **self._env_data()},
        )

    def _env_data(self) -> dict[str, str]:
        data = {"interpreter": str(self.env.interpreter)}
        if self.env.fallback:
            data["environment_fallback"] = self.env.fallback
        return data


@lru_cache(maxsize=4096)
def _resolved(directory: Path) -> Path:
    """``directory.resolve()``, once per directory (files are many, directories few)."""
    return directory.resolve()


def _string_hits(text: str, words: list[str]) -> set[str]:
    """``words`` that are a string constant of ``text``, or its dotted prefix ("yaml.cyaml")."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    wanted = set(words)
    hits = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head = node.value.split(".", 1)[0]
            if node.value in wanted or head in wanted:
                hits.add(node.value if node.value in wanted else head)
    return hits


def _module_in(directory: Path, top: str) -> bool:
    """``top`` is a module, package or namespace package (any .py below) in ``directory``."""
    if (directory / f"{top}.py").is_file() or (directory / top / "__init__.py").is_file():
        return True
    pkg = directory / top
    return pkg.is_dir() and next(pkg.rglob("*.py"), None) is not None
