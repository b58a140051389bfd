"""``[tool.hlopt]`` configuration from the target's pyproject.toml, merged under CLI options."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError


@dataclass(frozen=True)
class Config:
    """The ``[tool.hlopt]`` table (empty when there is none) and where it came from."""

    root: Path
    data: Mapping[str, Any] = field(default_factory=dict)
    #: the whole pyproject.toml, for commands that read [project] too (dependencies)
    pyproject: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def section(self, name: str) -> Mapping[str, Any]:
        """``[tool.hlopt.<name>]``, or an empty mapping."""
        value = self.data.get(name, {})
        if not isinstance(value, Mapping):
            raise InputError(f"{self.path}: [tool.hlopt.{name}] must be a table")
        return value

    def get_list(self, key: str, section: str | None = None) -> list[str]:
        """A list of strings from the table (or one of its sections); errors name the key."""
        table = self.section(section) if section else self.data
        value = table.get(key, [])
        where = f"tool.hlopt.{section}.{key}" if section else f"tool.hlopt.{key}"
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{self.path}: {where} must be a list of strings, got {value!r}")
        return list(value)

    def get(self, key: str, default: Any = None, section: str | None = None) -> Any:
        table = self.section(section) if section else self.data
        return table.get(key, default)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(paths: Sequence[Path] = (), explicit: Path | None = None) -> Config:
    """Load the configuration for a run over ``paths`` (or the file ``explicit``)."""
    pyproject = explicit if explicit is not None else find_pyproject(
        paths[0] if paths else Path.cwd()
    )
    if pyproject is None:
        return Config(root=(paths[0] if paths else Path.cwd()).resolve())
    if not pyproject.is_file():
        raise InputError(f"{pyproject}: configuration file not found")
    try:
        with pyproject.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{pyproject}: cannot read configuration: {exc}") from exc
    table = doc.get("tool", {}).get("hlopt", {})
    if not isinstance(table, Mapping):
        raise InputError(f"{pyproject}: [tool.hlopt] must be a table")
    return Config(root=pyproject.parent.resolve(), data=table, pyproject=doc, path=pyproject)
