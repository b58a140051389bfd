"""The target project's installed distributions and their import names, probed once per run.

The target's interpreter (``core.run.find_interpreter``) is asked through one child process
running :mod:`hlopt.debloat.deps_probe`; when it is hlopt's own interpreter the probe runs
in-process. Results are cached by interpreter and by the modification times of its
site-packages directories, so installing a package invalidates the cache.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: seconds the target's interpreter gets to describe its packages
PROBE_TIMEOUT = 60.0


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name: ``Foo_Bar.baz`` -> ``foo-bar-baz``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def guess_import_name(name: str) -> str:
    """The import name a distribution most likely has when its metadata is unknown."""
    return normalize(name).replace("-", "_")


def guess_import_names(name: str) -> frozenset[str]:
    """Every plausible import name of an uninstalled distribution, most likely first.

    ``foo-bar`` may be ``foo_bar`` or a ``foo`` namespace (``pdm-backend`` is ``pdm``,
    ``google-cloud-storage`` is ``google``); ``python-foo`` and ``foo-python`` are ``foo``.
    """
    words = normalize(name).split("-")
    out = {"_".join(words)}
    if words[0] in ("python", "py") and len(words) > 1:
        words = words[1:]
    elif words[-1] == "python" and len(words) > 1:
        words = words[:-1]
    out.update({"_".join(words), words[0]})
    return frozenset(w for w in out if w.isidentifier())


@dataclass(frozen=True)
class Distribution:
    """One installed distribution, as the probe described it."""

    name: str
    version: str
    top_level: frozenset[str]
    scripts: frozenset[str]
    #: entry-point groups other than console/gui scripts (``pytest11``): it is a plugin
    plugins: frozenset[str]
    requires: tuple[str, ...]

    @property
    def key(self) -> str:
        return normalize(self.name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Distribution:
        return cls(
            name=str(data["name"]),
            version=str(data.get("version", "")),
            top_level=frozenset(data.get("top_level", ())),
            scripts=frozenset(data.get("scripts", ())),
            plugins=frozenset(data.get("plugins", ())),
            requires=tuple(data.get("requires", ())),
        )


@dataclass(frozen=True)
class Environment:
    """What an interpreter has installed: distributions by key, providers by import name."""

    interpreter: Path
    stdlib: frozenset[str]
    markers: dict[str, str]
    distributions: dict[str, Distribution]
    #: import name -> keys of the distributions that provide it
    providers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: why this is not the target's own environment (empty when it is)
    fallback: str = ""

    @classmethod
    def from_probe(cls, interpreter: Path, data: dict[str, Any], fallback: str = "") -> Environment:
        dists = {normalize(str(d["name"])): Distribution.from_dict(d)
                 for d in data.get("distributions", {}).values()}
        providers: dict[str, list[str]] = {}
        for key, dist in dists.items():
            for top in dist.top_level:
                providers.setdefault(top, []).append(key)
        return cls(
            interpreter=interpreter,
            stdlib=frozenset(data.get("stdlib", ())) | {"__future__", "__main__"},
            markers={str(k): str(v) for k, v in data.get("markers", {}).items()},
            distributions=dists,
            providers={k: tuple(sorted(v)) for k, v in providers.items()},
            fallback=fallback,
        )

    def get(self, name: str) -> Distribution | None:
        return self.distributions.get(normalize(name))

    def required_by(self, roots: set[str]) -> dict[str, str]:
        """Every distribution reachable from ``roots`` through requirements -> the root."""
        seen: dict[str, str] = {}
        for root in sorted(roots):
            stack = [root]
            while stack:
                key = stack.pop()
                dist = self.distributions.get(key)
                for dep in dist.requires if dist is not None else ():
                    if dep not in seen and dep not in roots:
                        seen[dep] = root
                        stack.append(dep)
        return seen


_CACHE: dict[tuple[Any, ...], Environment] = {}


def load_environment(root: Path) -> Environment:
    """The environment of the interpreter that runs the project at ``root`` (cached)."""
    from hlopt.core.run import find_interpreter

    interpreter = find_interpreter(root)
    own = is_own_interpreter(interpreter)
    key = (str(interpreter), own, _site_stamp(interpreter, own))
    if key not in _CACHE:
        _CACHE[key] = _probe_own(interpreter) if own else _probe_child(interpreter)
    return _CACHE[key]


def is_own_interpreter(interpreter: Path) -> bool:
    """True when ``interpreter`` is the Python running hlopt (same venv or same file)."""
    if interpreter == Path(sys.executable):
        return True
    venv = interpreter.parent.parent
    return (venv / "pyvenv.cfg").is_file() and venv.resolve() == Path(sys.prefix).resolve()


def _site_stamp(interpreter: Path, own: bool) -> tuple[tuple[str, int], ...]:
    """(directory, mtime) of every package directory: changes when a package is installed."""
    if own:
        dirs = [Path(p) for p in sys.path if p]
    else:
        venv = interpreter.parent.parent
        dirs = sorted(venv.glob("lib*/python*/site-packages"))
    out = []
    for d in dirs:
        try:
            out.append((str(d), d.stat().st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


def _probe_own(interpreter: Path, fallback: str = "") -> Environment:
    from hlopt.debloat import deps_probe

    return Environment.from_probe(interpreter, deps_probe.probe(), fallback)


def _probe_child(interpreter: Path) -> Environment:
    """Run the probe with the target's Python; on failure use hlopt's own and say why."""
    from hlopt.core.errors import ToolchainError
    from hlopt.core.run import run
    from hlopt.debloat import deps_probe

    source = Path(deps_probe.__file__).read_text(encoding="utf-8")
    try:
        done = run([str(interpreter), "-c", source], timeout=PROBE_TIMEOUT)
    except ToolchainError as exc:
        return _probe_own(interpreter, f"cannot run {interpreter}: {exc.message}")
    if done.timed_out or done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["timed out"])[-1]
        return _probe_own(interpreter, f"{interpreter} failed to list its packages: {last}")
    try:
        return Environment.from_probe(interpreter, json.loads(done.stdout))
    except (ValueError, KeyError, TypeError) as exc:
        return _probe_own(interpreter, f"{interpreter} gave unreadable package data: {exc}")
