"""Where outputs go, which files a tree holds, and running a test command against the result.

Nothing is ever written in place: the output must lie outside every input, and each
input maps to one place under the output (a lone directory to the output itself).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import InputError, UsageError
from hlopt.core.files import DEFAULT_EXCLUDES, discover


@dataclass(frozen=True)
class Mapping:
    """One input (file or directory) and where its output goes."""

    source: Path
    target: Path


def check_inputs(paths: Sequence[Path]) -> None:
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")


def check_output(paths: Sequence[Path], output: Path) -> None:
    """Refuse an output that is an input or lies inside an input directory."""
    out = output.resolve()
    for p in paths:
        src = p.resolve()
        if out == src or (src.is_dir() and src in out.parents):
            raise UsageError(
                f"output {output} is inside the input {p}; hlopt compress never writes "
                "into the tree it reads",
                hint="choose an output directory outside the input, such as build/min",
            )


def mappings(paths: Sequence[Path], output: Path, *, file_suffix: str = ".py") -> list[Mapping]:
    """Each input's output location."""
    if len(paths) == 1:
        src = paths[0]
        if src.is_dir() or output.suffix == file_suffix:
            return [Mapping(src, output)]
        return [Mapping(src, output / src.name)]
    names = [p.resolve().name for p in paths]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise UsageError(f"two inputs would have the same output name: {sorted(dupes)[0]}",
                         hint="compress them one at a time, each with its own -o")
    return [Mapping(p, output / p.resolve().name) for p in paths]


def python_files(m: Mapping, exclude: Sequence[str], gitignore: bool) -> tuple[
        list[tuple[Path, Path]], list]:
    """(source, destination) of each .py file, and the problems met walking."""
    if m.source.is_file():
        return [(m.source, m.target)], []
    found = discover([m.source], exclude=exclude, respect_gitignore=gitignore,
                     suffixes=(".py",))
    return [(f, m.target / f.relative_to(m.source)) for f in found.files], found.problems


def data_files(m: Mapping, exclude: Sequence[str]) -> list[tuple[Path, Path]]:
    """Every other file of an input directory (package data, .pyi, configs), to copy."""
    if m.source.is_file():
        return []
    patterns = (*DEFAULT_EXCLUDES, *exclude)
    out = []
    for directory, dirs, files in os.walk(m.source):
        dirs[:] = sorted(d for d in dirs if not _matches(d, patterns))
        for name in sorted(files):
            if name.endswith((".py", ".pyc")) or _matches(name, patterns):
                continue
            src = Path(directory) / name
            out.append((src, m.target / src.relative_to(m.source)))
    return out


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p.rstrip("/")) for p in patterns)


def write_text(dest: Path, text: str, like: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    shutil.copymode(like, dest)


def copy_file(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)

