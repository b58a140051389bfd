"""Describe the running interpreter's installed distributions as JSON (standard library only).

hlopt runs this module's source with the target project's Python (``python -c``), so it
must import nothing but the standard library and work on every Python hlopt supports.
For each distribution it reports the import names it provides: ``packages_distributions()``
(called once), plus the distribution's ``top_level.txt`` and the top-level entries of its
RECORD (extension modules too), plus the packages an editable install's finder maps.
"""

from __future__ import annotations

import ast
import csv
import importlib.metadata as md
import json
import os
import platform
import re
import sys
from pathlib import Path

_SKIP_SUFFIXES = (".dist-info", ".egg-info", ".data")
_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")
_SCRIPT_GROUPS = ("console_scripts", "gui_scripts")


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name: ``Foo_Bar.baz`` -> ``foo-bar-baz``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def record_paths(dist: md.Distribution) -> list[str]:
    """The installed files of a distribution, as POSIX paths relative to its site directory.

    RECORD is read as text: building ``dist.files`` objects costs ten times more.
    """
    text = dist.read_text("RECORD")
    if text is None:
        return [f.as_posix() for f in dist.files or ()]
    return [row[0] for row in csv.reader(text.splitlines()) if row]


def names_from_files(paths: list[str]) -> set[str]:
    """Top-level import names from a distribution's files (packages, modules, extensions)."""
    out: set[str] = set()
    for path in paths:
        head, sep, _ = path.partition("/")
        if head in ("..", "__pycache__", "") or head.endswith(_SKIP_SUFFIXES):
            continue
        if sep:
            out.add(head)
        elif head.endswith(_MODULE_SUFFIXES):
            out.add(head.split(".", 1)[0])
    return {n for n in out if n.isidentifier() and not n.startswith("__editable__")}


def scripts_from_files(paths: list[str]) -> set[str]:
    """Commands a distribution installs as files in ``bin/`` (binaries such as py-spy's)."""
    out = set()
    for path in paths:
        parts = path.split("/")
        if parts[0] == ".." and len(parts) > 1 and parts[-2] in ("bin", "Scripts"):
            out.add(parts[-1].removesuffix(".exe"))
    return out


def names_from_editable(dist: md.Distribution, paths: list[str]) -> set[str]:
    """Packages an editable install (setuptools ``__editable__`` finder) makes importable."""
    out: set[str] = set()
    for path in paths:
        if path.startswith("__editable__") and path.endswith("_finder.py"):
            try:
                text = Path(str(dist.locate_file(path))).read_text(encoding="utf-8")
            except OSError:
                continue
            m = re.search(r"^MAPPING\s*(?::[^=]*)?=\s*(\{.*?\})\s*$", text, re.M | re.S)
            if m:
                try:
                    out.update(str(k) for k in ast.literal_eval(m.group(1)))
                except (ValueError, SyntaxError):
                    continue
    return out


def requirement_names(requires: list[str]) -> list[str]:
    """Normalised names of what a distribution requires (extras' requirements left out)."""
    names = set()
    for req in requires:
        if "extra" in req.partition(";")[2]:
            continue
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
        if m:
            names.add(normalize(m.group(1)))
    return sorted(names)


def read_headers(dist: md.Distribution) -> dict[str, list[str]]:
    """Name, Version and Requires-Dist from METADATA's header block (no email parser: faster)."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version", "Requires-Dist"):
            out.setdefault(key, []).append(value.strip())
    return out


def describe(dist: md.Distribution, meta: dict[str, list[str]],
             known: set[str]) -> dict[str, object]:
    """One distribution: its import names, commands, plugin groups and requirements."""
    eps = list(dist.entry_points)
    paths = record_paths(dist)
    top_level = set(known)
    top_level.update((dist.read_text("top_level.txt") or "").split())
    top_level.update(names_from_files(paths))
    top_level.update(names_from_editable(dist, paths))
    requires = meta.get("Requires-Dist")
    return {
        "name": meta["Name"][0],
        "version": meta.get("Version", [""])[0],
        "top_level": sorted(n for n in top_level
                            if n.isidentifier() and not n.startswith("__editable__")),
        "scripts": sorted({ep.name for ep in eps if ep.group in _SCRIPT_GROUPS}
                          | scripts_from_files(paths)),
        "plugins": sorted({ep.group for ep in eps if ep.group not in _SCRIPT_GROUPS}),
        "requires": requirement_names(requires if requires is not None
                                      else dist.requires or []),
    }


def marker_environment() -> dict[str, str]:
    """The PEP 508 marker variables of this interpreter (as ``packaging`` computes them)."""
    impl = sys.implementation.version
    iver = f"{impl.major}.{impl.minor}.{impl.micro}"
    if impl.releaselevel != "final":
        iver += impl.releaselevel[0] + str(impl.serial)
    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": iver,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def probe() -> dict[str, object]:
    """Everything hlopt needs to know about this interpreter's packages, JSON-safe."""
    provided: dict[str, set[str]] = {}
    for top, dists in md.packages_distributions().items():
        for name in dists:
            provided.setdefault(normalize(name), set()).add(top)
    out: dict[str, object] = {}
    for dist in md.distributions():
        meta = read_headers(dist)
        name = meta.get("Name", [""])[0]
        if not name or normalize(name) in out:
            continue  # the first one on sys.path is the one Python imports
        out[normalize(name)] = describe(dist, meta, provided.get(normalize(name), set()))
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "stdlib": sorted(sys.stdlib_module_names),
        "markers": marker_environment(),
        "distributions": out,
    }


if __name__ == "__main__":
    # `python -c` puts the working directory first on sys.path; only installed packages count
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
    json.dump(probe(), sys.stdout)
