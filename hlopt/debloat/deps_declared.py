"""The requirements a pyproject.toml declares, parsed with ``packaging``, each with its line.

Sources: PEP 621 ``[project].dependencies`` and ``[project.optional-dependencies]``, PEP 735
``[dependency-groups]`` and ``[build-system].requires``; for Poetry projects
``[tool.poetry.dependencies]`` (runtime; ``python`` is not a package) and its dev tables
``[tool.poetry.group.<name>.dependencies]`` and ``[tool.poetry.dev-dependencies]``. A group is a *dev* group when its
name says so (``dev``, ``test``, ``docs``, ``lint``, ``typing`` ... as one of its words, or
listed in ``[tool.hlopt.debloat] dev-groups``); every dependency group and the build
requirements are dev-only too, since installing the package never installs them.
Requirement files (``requirements*.txt``) count as declarations too, for imports only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.debloat.deps_env import normalize

_READ_REQUIREMENT_FILES_RE = re.compile(r"(?:^|\s)#")
_INIT_RE = re.compile(r"\s*\.\s*")

#: words that make an extra a dev group (``dev``, ``test-all``, ``docs``, ``type-check`` ...)
DEV_WORDS = frozenset({
    "dev", "develop", "development", "test", "tests", "testing", "doc", "docs",
    "documentation", "lint", "linting", "linters", "typing", "types", "mypy", "style",
    "format", "fmt", "check", "checks", "qa", "ci", "coverage", "cov", "bench",
    "benchmark", "benchmarks", "tox", "nox", "pre-commit", "precommit",
})

RUNTIME = "[project].dependencies"
BUILD = "[build-system].requires"


def is_dev_name(group: str, extra_names: Iterable[str] = ()) -> bool:
    """True when an extra or dependency group's name marks it as a development group."""
    name = normalize(group)
    if name in {normalize(n) for n in extra_names}:
        return True
    return name in DEV_WORDS or any(word in DEV_WORDS for word in name.split("-"))


@dataclass(frozen=True)
class Declared:
    """One requirement string of pyproject.toml."""

    #: the requirement as written (``PyYAML>=6; python_version < "3.13"``)
    text: str
    #: the distribution name as written, and its PEP 503 form
    name: str
    key: str
    #: where it is declared: RUNTIME, ``[project.optional-dependencies].dev`` ...
    group: str
    #: the extra's or dependency group's name (None for runtime and build requirements)
    group_name: str | None
    dev: bool
    line: int
    col: int
    #: the PEP 508 marker, if any (a ``packaging.markers.Marker``)
    marker: Any = None
    #: "pyproject", or "requirements" for a ``requirements*.txt`` line (declared, never
    #: reported as unused, neither runtime nor dev: applications list runtime pins there)
    source: str = "pyproject"

    def applies(self, environment: Mapping[str, str]) -> bool:
        """Whether the marker holds in the target interpreter (True without a marker)."""
        if self.marker is None:
            return True
        try:
            return bool(self.marker.evaluate({**environment, "extra": self.group_name or ""}))
        except Exception:  # an undefined comparison cannot rule the requirement out
            return True


@dataclass
class Declarations:
    """Everything pyproject.toml declares that debloat can check."""

    project_name: str = ""
    requirements: list[Declared] = field(default_factory=list)
    #: (requirement text, line, error) for strings ``packaging`` cannot parse
    invalid: list[tuple[str, int, str]] = field(default_factory=list)
    #: dependencies are listed in ``dynamic``: pyproject does not hold them all
    dynamic: bool = False
    #: where runtime requirements go (what a fix tells the user to edit)
    runtime_label: str = RUNTIME

    @property
    def usable(self) -> bool:
        return bool(self.project_name) and not self.dynamic


def read_declarations(pyproject: Mapping[str, Any], text: str,
                      dev_groups: Iterable[str] = ()) -> Declarations:
    """Parse every requirement of ``pyproject`` (``text`` is its TOML, for line numbers)."""
    from packaging.requirements import InvalidRequirement, Requirement

    project = pyproject.get("project", {})
    poetry = _poetry(pyproject)
    if not isinstance(project, Mapping):
        return Declarations()
    dynamic = project.get("dynamic", [])
    out = Declarations(
        project_name=str(project.get("name", "") or poetry.get("name", "")),
        # Poetry 2 may declare [project] with its dependencies left to [tool.poetry]
        dynamic=isinstance(dynamic, list) and not poetry.get("dependencies")
        and bool({"dependencies", "optional-dependencies"} & set(dynamic)),
    )
    locate = _Locator(text)
    out.requirements += _poetry_requirements(poetry, locate)
    if poetry.get("dependencies") and not project.get("dependencies"):
        out.runtime_label = "[tool.poetry.dependencies]"
    dev_groups = list(dev_groups)
    for group, group_name, dev, where, items in _sources(pyproject, dev_groups):
        for item in items:
            line, col = locate.find(where, item)
            try:
                req = Requirement(item)
            except InvalidRequirement as exc:
                out.invalid.append((item, line, str(exc)))
                continue
            out.requirements.append(Declared(
                text=item, name=req.name, key=normalize(req.name), group=group,
                group_name=group_name, dev=dev, line=line, col=col, marker=req.marker,
            ))
    return out


def _poetry(pyproject: Mapping[str, Any]) -> Mapping[str, Any]:
    tool = pyproject.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, Mapping) else {}
    return poetry if isinstance(poetry, Mapping) else {}


def has_declarations(pyproject: Mapping[str, Any]) -> bool:
    """Whether pyproject.toml declares a project: PEP 621 ``[project]`` or ``[tool.poetry]``."""
    return "project" in pyproject or bool(_poetry(pyproject))


def _poetry_requirements(poetry: Mapping[str, Any], locate: _Locator) -> list[Declared]:
    """``name = "^1.2"`` / ``name = {version = ..., markers = ...}`` tables of Poetry: the
    name is what HLE checks (Poetry's version syntax is not PEP 440)."""
    from packaging.markers import InvalidMarker, Marker

    tables: list[tuple[str, str | None, bool, Any]] = [
        ("tool.poetry.dependencies", None, False, poetry.get("dependencies")),
        ("tool.poetry.dev-dependencies", "dev", True, poetry.get("dev-dependencies"))]
    groups = poetry.get("group", {})
    for name, group in (groups.items() if isinstance(groups, Mapping) else ()):
        if isinstance(group, Mapping):
            tables.append((f"tool.poetry.group.{name}.dependencies", name, True,
                           group.get("dependencies")))
    out = []
    for table, group_name, dev, deps in tables:
        for name, spec in (deps.items() if isinstance(deps, Mapping) else ()):
            if normalize(name) == "python":
                continue
            marker = None
            raw = spec.get("markers") if isinstance(spec, Mapping) else None
            if isinstance(raw, str):
                try:
                    marker = Marker(raw)
                except InvalidMarker:
                    marker = None
            line, col = locate.find_key(table, name)
            out.append(Declared(
                text=f"{name} {spec}" if isinstance(spec, str) else name, name=name,
                key=normalize(name), group=f"[{table}]", group_name=group_name, dev=dev,
                line=line, col=col, marker=marker))
    return out


SETUP_CFG_RUNTIME = "[options].install_requires"


def find_setup_cfg(root: Path) -> Path | None:
    """The setup.cfg of the project holding ``root`` (``root`` or a parent, up to the
    repository's top), if it names the project."""
    for d in (root, *root.parents):
        cfg = d / "setup.cfg"
        if cfg.is_file():
            return cfg
        if (d / ".git").exists() or (d / "pyproject.toml").is_file():
            return None
    return None


def read_setup_cfg(text: str, dev_groups: Iterable[str] = ()) -> Declarations:
    """setuptools' declarative config: ``[metadata] name``, ``[options] install_requires``
    (runtime), ``[options.extras_require]`` (extras; dev ones by name), ``[options]
    tests_require`` and ``setup_requires`` (dev). One requirement per line; ``#`` starts a
    comment."""
    import configparser

    from packaging.requirements import InvalidRequirement, Requirement

    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read_string(text)
    except configparser.Error:
        return Declarations()
    out = Declarations(project_name=cfg.get("metadata", "name", fallback="").strip(),
                       runtime_label=SETUP_CFG_RUNTIME)
    lines = text.splitlines()
    sources: list[tuple[str, str | None, bool, str, str]] = [
        (SETUP_CFG_RUNTIME, None, False, "options", "install_requires"),
        ("[options].tests_require", "tests", True, "options", "tests_require"),
        ("[options].setup_requires", None, True, "options", "setup_requires")]
    if cfg.has_section("options.extras_require"):
        sources += [(f"[options.extras_require].{name}", name, is_dev_name(name, dev_groups),
                     "options.extras_require", name)
                    for name in cfg.options("options.extras_require")]
    for group, group_name, dev, section, key in sources:
        value = cfg.get(section, key, fallback="")
        if value.strip().startswith(("file:", "attr:")):
            out.dynamic = True  # the list lives in another file
            continue
        for item in (_READ_REQUIREMENT_FILES_RE.split(v, maxsplit=1)[0].strip()
                     for v in value.splitlines()):
            if not item:
                continue
            line = next((i + 1 for i, text_line in enumerate(lines) if item in text_line), 1)
            try:
                req = Requirement(item)
            except InvalidRequirement as exc:
                out.invalid.append((item, line, str(exc)))
                continue
            col = lines[line - 1].find(item) + 1 if line <= len(lines) else 1
            out.requirements.append(Declared(
                text=item, name=req.name, key=normalize(req.name), group=group,
                group_name=group_name, dev=dev, line=line, col=max(col, 1), marker=req.marker))
    return out


def read_requirement_files(root: Path) -> list[Declared]:
    """Requirements of ``requirements*.txt``, ``*-requirements.txt`` and ``requirements/*.txt``.

    Options (``-r``, ``-e``, ``--index-url``), paths and unparsable lines are skipped.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    files = sorted({*root.glob("*requirements*.txt"), *root.glob("requirements/*.txt")})
    out = []
    for f in files:
        try:
            lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for n, raw in enumerate(lines, 1):
            line = _READ_REQUIREMENT_FILES_RE.split(raw, maxsplit=1)[0].strip()
            if not line or line.startswith(("-", ".", "/")):
                continue
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            out.append(Declared(text=line, name=req.name, key=normalize(req.name),
                                group=f.relative_to(root).as_posix(), group_name=None,
                                dev=False, line=n, col=1,
                                marker=req.marker, source="requirements"))
    return out


Source = tuple[str, str | None, bool, list[tuple[str, str]], list[str]]


def _sources(doc: Mapping[str, Any], dev_groups: list[str]) -> Iterator[Source]:
    """(group label, group name, dev, where to look in the TOML, requirement strings)."""
    project = doc.get("project", {})
    yield RUNTIME, None, False, [("project", "dependencies")], _strings(
        project.get("dependencies"))
    extras = project.get("optional-dependencies", {})
    for name, items in (extras.items() if isinstance(extras, Mapping) else ()):
        where = [("project.optional-dependencies", name),
                 ("project", f"optional-dependencies.{name}"),
                 ("project", "optional-dependencies")]
        yield (f"[project.optional-dependencies].{name}", name, is_dev_name(name, dev_groups),
               where, _strings(items))
    groups = doc.get("dependency-groups", {})
    for name, items in (groups.items() if isinstance(groups, Mapping) else ()):
        yield (f"[dependency-groups].{name}", name, True, [("dependency-groups", name)],
               _strings(items))
    build = doc.get("build-system", {})
    if isinstance(build, Mapping):
        yield BUILD, None, True, [("build-system", "requires")], _strings(build.get("requires"))


def _strings(items: Any) -> list[str]:
    """The strings of a TOML array (``{include-group = ...}`` tables are left out)."""
    return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


class _Locator:
    """Find the line and column of a requirement string inside a TOML table's key."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        #: (table name, first line index, end line index)
        self.tables: list[tuple[str, int, int]] = [("", 0, len(self.lines))]
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m:
                name = _INIT_RE.sub(".", m.group(1).replace('"', "").replace("'", ""))
                self.tables[-1] = (*self.tables[-1][:2], i)
                self.tables.append((name, i + 1, len(self.lines)))

    def find(self, where: list[tuple[str, str]], value: str) -> tuple[int, int]:
        """1-based (line, column) of ``value`` quoted under the first matching table/key."""
        for table, key in where:
            key_re = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
            for name, start, end in self.tables:
                if name != table:
                    continue
                for i in range(start, end):
                    if key_re.match(self.lines[i]):
                        hit = self._search(value, i, end)
                        if hit is not None:
                            return hit
        return self._search(value, 0, len(self.lines)) or (1, 1)

    def find_key(self, table: str, key: str) -> tuple[int, int]:
        """1-based (line, column) of ``key = ...`` in ``[table]`` (of ``table.key`` or
        ``[table.key]`` written out), else (1, 1)."""
        key_re = re.compile(r"^(\s*)[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for name, start, end in self.tables:
            if name == f"{table}.{key}":
                return start, 1
            if name != table:
                continue
            for i in range(start, end):
                m = key_re.match(self.lines[i])
                if m:
                    return i + 1, len(m.group(1)) + 1
        return 1, 1

    def _search(self, value: str, start: int, end: int) -> tuple[int, int] | None:
        for i in range(start, end):
            for quoted in (f'"{value}"', f"'{value}'"):
                col = self.lines[i].find(quoted)
                if col >= 0:
                    return i + 1, col + 1
        return None
