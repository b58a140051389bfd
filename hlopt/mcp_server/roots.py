"""The server's allow-list: every path a tool touches, and every program it runs, passes here.

A path is resolved (symlinks and ``..``) and must land inside one of the roots the server
was started with (``--root DIR``, repeatable; default the current directory). A relative
path is relative to the first root, which is also the directory commands run in. Running a
program needs ``--allow-exec``, and then only a Python file inside the roots or a module
found in the first root; there is no way to pass a shell string or a command.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import InputError

_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: a branch, tag, commit or HEAD~2 / main^ / @{upstream}; never a leading "-" (an option)
_REF = re.compile(r"^[A-Za-z0-9_@][A-Za-z0-9_./@{}~^-]*$")


class Refused(Exception):
    """A request the server's policy does not allow; the tool answers with this message."""


@dataclass(frozen=True)
class Policy:
    """What the server may touch (``roots``) and whether it may run programs."""

    roots: tuple[Path, ...]
    allow_exec: bool = False

    @classmethod
    def create(cls, roots: Iterable[Path], *, allow_exec: bool = False) -> Policy:
        """Resolve each root; a root that is not an existing directory is an input error."""
        resolved = []
        for root in roots:
            path = Path(root).expanduser().resolve()
            if not path.is_dir():
                raise InputError(f"--root {root}: not a directory",
                                 hint="give a directory the server may work in")
            resolved.append(path)
        return cls(tuple(dict.fromkeys(resolved or [Path.cwd().resolve()])), allow_exec)

    @property
    def base(self) -> Path:
        """The first root: relative paths start here, and commands run here."""
        return self.roots[0]

    def describe(self) -> str:
        return ", ".join(str(r) for r in self.roots)

    def resolve(self, raw: str, what: str) -> Path:
        """The fully resolved location of ``raw``; refused unless it is inside a root."""
        if not raw or "\x00" in raw:
            raise Refused(f"{what} {raw!r} is not a valid path")
        given = Path(raw)
        try:
            resolved = (given if given.is_absolute() else self.base / given).resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise Refused(f"{what} {raw!r} cannot be resolved: {exc}") from None
        if not self.contains(resolved):
            raise Refused(f"{what} {raw!r} resolves to {resolved}, which is outside the "
                          f"server's roots ({self.describe()}); start `hlopt mcp` with "
                          f"`--root DIR` to allow another directory")
        return resolved

    def path(self, raw: str, what: str = "path") -> Path:
        """``raw`` as the command should see it, once it is known to stay inside the roots."""
        self.resolve(raw, what)
        return Path(raw)

    def paths(self, raws: Sequence[str], what: str = "path") -> tuple[Path, ...]:
        return tuple(self.path(raw, what) for raw in raws)

    def trees(self, raws: Sequence[str], what: str = "path") -> tuple[Path, ...]:
        """Paths a command walks: also refused when a symlink inside leads out of the roots.

        Commands follow directory symlinks (and read symlinked .py files), so a link inside
        a root to a directory outside would otherwise let them read, or rewrite, files there.
        """
        for raw in raws:
            top = self.resolve(raw, what)
            for link in _links(top) if top.is_dir() else ():
                target = link.resolve()
                if (target.is_dir() or target.suffix == ".py") and not self.contains(target):
                    raise Refused(f"{what} {raw!r} contains the symlink {link} -> {target}, "
                                  f"which leads outside the server's roots "
                                  f"({self.describe()}); the command would follow it")
        return self.paths(raws, what)

    def contains(self, resolved: Path) -> bool:
        return any(resolved == r or resolved.is_relative_to(r) for r in self.roots)

    def optional(self, raw: str | None, what: str) -> Path | None:
        return None if raw is None else self.path(raw, what)

    def require_exec(self, what: str) -> None:
        if not self.allow_exec:
            raise Refused(f"running {what} executes code, and this server was started without "
                          f"--allow-exec; restart it with `hlopt mcp --allow-exec` to allow "
                          f"running Python files inside its roots")

    def script(self, raw: str) -> Path:
        """A Python file (or a directory with ``__main__.py``) inside the roots, to run."""
        self.require_exec(f"script {raw!r}")
        resolved = self.resolve(raw, "script")
        if resolved.is_dir() and (resolved / "__main__.py").is_file():
            return Path(raw)
        if not resolved.is_file():
            raise Refused(f"script {raw!r}: no such file inside the roots")
        if resolved.suffix != ".py":
            raise Refused(f"script {raw!r} is not a Python file (.py); over MCP only Python "
                          f"files and modules inside the roots can run, never commands")
        return Path(raw)

    def module(self, name: str, *, run: bool = True) -> str:
        """A module in the first root, to run (``python -m``) or, with ``run=False``, to
        import (``pkg.mod`` of a ``pkg.mod:func`` target; a ``src/`` layout counts)."""
        self.require_exec(f"module {name!r}")
        if not _MODULE.match(name):
            raise Refused(f"module {name!r} is not a dotted module name")
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top in sys.builtin_module_names:
            raise Refused(f"module {name!r} belongs to the standard library; over MCP only "
                          f"modules inside the roots can run")
        rel = Path(*name.split("."))
        files = (rel.with_suffix(".py"), rel / ("__main__.py" if run else "__init__.py"))
        dirs = (self.base,) if run else (self.base, self.base / "src")
        for candidate in (d / f for d in dirs for f in files):
            if candidate.is_file():
                self.resolve(str(candidate), "module")
                return name
        raise Refused(f"module {name!r} is not found in {self.base} (looked for "
                      f"{' and '.join(str(f) for f in files)}); over MCP only modules inside "
                      f"the first root can run")

    def callable(self, target: str) -> str:
        """A ``pkg.mod:func`` whose module is inside the roots, to import and call."""
        module, _, attr = target.partition(":")
        if not attr or not all(part.isidentifier() for part in attr.split(".")):
            raise Refused(f"{target!r} is not a callable named pkg.mod:func")
        self.module(module, run=False)
        return target

    def suite(self, raw: str) -> str:
        """A pytest(-benchmark) test directory or file inside the roots, to run."""
        self.require_exec(f"test suite {raw!r}")
        resolved = self.resolve(raw, "test suite")
        self.trees([raw], "test suite")
        if not (resolved.is_dir() or (resolved.is_file() and resolved.suffix == ".py")):
            raise Refused(f"test suite {raw!r}: no such test directory or .py file")
        return raw

    def git_ref(self, ref: str) -> str:
        """A git revision name; never something git would read as an option."""
        if not _REF.match(ref) or ".." in ref:
            raise Refused(f"ref {ref!r} is not a plain git revision (a branch, tag, commit "
                          f"or HEAD~N)")
        return ref


def _links(top: Path) -> Iterator[Path]:
    """Every symlink below ``top`` (not followed), outside .git."""
    for directory, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in (*dirs, *files):
            path = Path(directory, name)
            if path.is_symlink():
                yield path
