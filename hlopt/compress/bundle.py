"""``--mode bundle``: the minified tree as one runnable zipapp (``.pyz``).

Entries are deflate-compressed; ``--entry MOD:FUNC`` writes the ``__main__.py`` (else the
tree's own is used); ``--python X.Y`` replaces each module by bytecode compiled by that
interpreter (sourceless ``.pyc`` beside where the ``.py`` was, which ``zipimport`` loads),
so the archive runs on that Python only but skips compiling at start-up.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

from hlopt.compress.model import Options
from hlopt.core.errors import ToolchainError, UsageError
from hlopt.core.report import Artifact, Metric, Report
from hlopt.core.run import run

_ENTRY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_VERSION = re.compile(r"^3\.\d+$")
#: entry timestamps are fixed, so the same tree always gives the same archive
_EPOCH = (1980, 1, 1, 0, 0, 0)


def run_bundle(options: Options) -> Report:
    """Minify into a staging directory, add the entry point, zip it; report sizes."""
    from hlopt.compress.engine import minify_tree
    from hlopt.compress.tree import Mapping

    assert options.output is not None
    _check(options)
    with tempfile.TemporaryDirectory(prefix="hlopt-bundle-") as tmp:
        stage = Path(tmp) / "app"
        layout = [Mapping(p, stage / p.name if _is_package(p) or p.is_file() else stage)
                  for p in options.paths]
        report = minify_tree(options, stage, run_test_cmd=False, layout=layout)
        report.notes = [n.replace(f" into {stage}", "") for n in report.notes]
        _write_main(stage, options.entry)
        if options.python:
            _precompile(stage, options.python)
        size = write_archive(stage, options.output, _shebang(options.python))
    plain = sum(_tree_bytes(p) for p in options.paths)
    report.metrics.append(Metric("bundle", "bytes (source tree -> .pyz)", plain, size))
    report.artifacts.append(Artifact("bundle", options.output,
                                     "runnable zipapp: python " + str(options.output)))
    report.notes.append(f"bundle written to {options.output} ({size:,} bytes)"
                        + (f", bytecode for Python {options.python}" if options.python else ""))
    return report


def _check(options: Options) -> None:
    if options.output is not None and options.output.suffix != ".pyz":
        raise UsageError(f"bundle output {options.output} must end in .pyz",
                         hint="for example -o dist/app.pyz")
    if options.entry and not _ENTRY.match(options.entry):
        raise UsageError(f"--entry {options.entry!r} is not MODULE:FUNCTION",
                         hint="for example --entry mypkg.cli:main")
    if options.python and not _VERSION.match(options.python):
        raise UsageError(f"--python {options.python!r} is not a version like 3.11")
    if not options.entry and not any((p / "__main__.py").is_file() for p in options.paths
                                     if p.is_dir() and not _is_package(p)):
        raise UsageError("a bundle needs an entry point",
                         hint="pass --entry MODULE:FUNCTION, or put a __main__.py at the "
                              "top of the tree")


def _is_package(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file()


def _write_main(stage: Path, entry: str | None) -> None:
    if entry is None:
        return
    module, func = entry.split(":")
    (stage / "__main__.py").write_text(
        f"import sys\nfrom {module} import {func.split('.')[0]}\n"
        f"sys.exit({func}())\n", encoding="utf-8")


def _shebang(python: str | None) -> str:
    return f"/usr/bin/env python{python or '3'}"


def _precompile(stage: Path, version: str) -> None:
    """Compile every module except __main__.py to a sourceless .pyc with Python X.Y."""
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    exe = sys.executable if version == current else shutil.which(f"python{version}")
    if exe is None:
        raise ToolchainError(f"python{version} not found on PATH",
                             hint=f"install Python {version}, or bundle without --python")
    done = run([exe, "-m", "compileall", "-b", "-q", "-x", r"(^|/)__main__\.py$",
                str(stage)], timeout=600)
    if done.returncode != 0:
        raise ToolchainError(f"python{version} -m compileall failed: "
                             f"{(done.stdout + done.stderr).strip()[-300:]}")
    for path in stage.rglob("*.py"):
        if path.name != "__main__.py" or path.parent != stage:
            if path.with_suffix(".pyc").is_file():
                path.unlink()


def write_archive(stage: Path, target: Path, shebang: str) -> int:
    """Zip ``stage`` (deflate, level 9) behind a shebang line; return the archive's size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.hlopt-tmp")
    with open(tmp, "wb") as fh:
        fh.write(f"#!{shebang}\n".encode())
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in sorted(stage.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    info = zipfile.ZipInfo(path.relative_to(stage).as_posix(), _EPOCH)
                    info.external_attr = (stat.S_IMODE(path.stat().st_mode) | 0o100000) << 16
                    zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED, 9)
    os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, target)
    return target.stat().st_size


def _tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    skip = {"__pycache__", ".git", ".venv", "venv", ".tox", "node_modules"}
    total = 0
    for directory, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in skip]
        total += sum(os.path.getsize(os.path.join(directory, f)) for f in files
                     if not f.endswith(".pyc"))
    return total
