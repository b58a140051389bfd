"""Find Python files, read them exactly, and write them back atomically.

Reading keeps what the file was: its encoding (PEP 263 cookie or BOM), its line endings
(the text is decoded without newline translation) and its mode; writing puts back the
same bytes except where the content changed, and never leaves a half-written file.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import json
import os
import stat
import subprocess
import tempfile
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError
from hlopt.core.report import Finding, Severity

#: directories never walked into unless named explicitly (ruff's defaults, trimmed)
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", "__pycache__", "__pypackages__", "node_modules", "build", "dist",
    "site-packages", ".eggs", "*.egg-info",
)

PY_SUFFIXES = (".py", ".pyi")
#: folders whose files are tests, at any depth
TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_name(name: str) -> bool:
    """A test module's file name as pytest finds it (``test_*.py``, ``*_test.py``) or a
    ``conftest.py``."""
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


@dataclass(frozen=True)
class Source:
    """A file's text, decoded exactly, and what is needed to write it back the same way."""

    path: Path
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    #: the first line ending of the file ("\n", "\r\n" or "\r"); the text keeps them all
    newline: str = "\n"
    raw: bytes = b""

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


@dataclass
class Discovery:
    """The files a walk found, and the problems met on the way (as HLX findings)."""

    files: list[Path] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


class ReadError(Exception):
    """A file could not be read or decoded; ``finding`` says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def discover(
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    respect_gitignore: bool = True,
    suffixes: Sequence[str] = PY_SUFFIXES,
) -> Discovery:
    """Python files under ``paths``, sorted, each once.

    A path given explicitly is always included (unless it does not exist: InputError).
    Directories skip the default excludes, ``exclude`` globs (matched against the name and
    the path relative to the walked root), and, inside a git work tree, ignored files.
    """
    result = Discovery()
    seen: set[Path] = set()
    patterns = tuple(exclude)
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise InputError(f"{path}: no such file or directory")
        if path.is_dir():
            ignored = _git_ignored(path) if respect_gitignore else None
            for f in _walk(path, patterns, result.problems):
                if f.suffix in suffixes and (ignored is None or f.resolve() not in ignored):
                    _add(result, seen, f)
        else:
            _add(result, seen, path)
    result.files.sort()
    return result


def _add(result: Discovery, seen: set[Path], path: Path) -> None:
    key = path.resolve()
    if key not in seen:
        seen.add(key)
        result.files.append(path)


def _walk(root: Path, patterns: Sequence[str], problems: list[Finding]) -> Iterable[Path]:
    """os.walk that follows directory symlinks but reports (and skips) loops."""
    stack = [(root, frozenset({root.resolve()}))]
    while stack:
        directory, ancestors = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            problems.append(_problem("HLX001", directory, f"cannot list directory: {_why(exc)}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            if _excluded(entry.name, rel, path.as_posix(), DEFAULT_EXCLUDES):
                if (path / "__init__.py").is_file() and not _excluded(
                        entry.name, rel, path.as_posix(), patterns):
                    problems.append(Finding(
                        "HLX006", f"package `{entry.name}` skipped: its name is excluded by "
                        f"default (virtualenvs, build output); name {path} to include it",
                        path, None, None, Severity.INFO))
                continue
            if _excluded(entry.name, rel, path.as_posix(), patterns):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                real = path.resolve()
                if entry.is_symlink() and real in ancestors:
                    problems.append(_problem(
                        "HLX004", path, f"directory symlink loop: points back to {real}"
                    ))
                    continue
                stack.append((path, ancestors | {real}))
            elif entry.is_symlink() and not path.exists():
                problems.append(_problem("HLX001", path, "broken symlink"))
            else:
                yield path


def _excluded(name: str, rel: str, given: str, patterns: Sequence[str]) -> bool:
    """Match a glob against the name, the path under the walked root, and the path as given."""
    for pat in patterns:
        pat = pat.rstrip("/")
        flat = pat.replace("**/", "")
        for candidate in (name, rel, given):
            if fnmatch.fnmatchcase(candidate, pat) or fnmatch.fnmatchcase(candidate, flat):
                return True
    return False


def _git_ignored(directory: Path) -> set[Path] | None:
    """Resolved paths git ignores under ``directory``, or None outside a git work tree."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory",
             "-z", "."],
            cwd=directory, capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    ignored_dirs: list[Path] = []
    ignored: set[Path] = set()
    for item in out.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not item:
            continue
        p = (directory / item).resolve()
        if item.endswith("/"):
            ignored_dirs.append(p)
        else:
            ignored.add(p)
    if not ignored_dirs:
        return ignored
    return _IgnoredSet(ignored, ignored_dirs)


class _IgnoredSet(set[Path]):
    """A set of ignored files that also answers for files under ignored directories."""

    def __init__(self, files: set[Path], dirs: list[Path]) -> None:
        super().__init__(files)
        self._dirs = dirs

    def __contains__(self, item: object) -> bool:
        if super().__contains__(item):
            return True
        return isinstance(item, Path) and any(d in item.parents for d in self._dirs)


def read_source(path: Path) -> Source:
    """Read and decode a Python file exactly, or raise ReadError with an HLX finding."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(_problem("HLX001", path, f"cannot read file: {_why(exc)}")) from exc
    return decode_source(path, raw)


def decode_source(path: Path, raw: bytes) -> Source:
    """Decode bytes as Python source: BOM, PEP 263 cookie, line endings kept."""
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise ReadError(_problem(
            "HLX002", path, "file contains NUL bytes (binary data, not Python source)", line
        ))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" in exc.msg:
            why = "cannot decode as utf-8 (binary file, or a missing coding cookie?)"
        else:
            why = f"bad encoding declaration: {exc.msg}"
        raise ReadError(_problem("HLX002", path, why)) from exc
    bom = encoding == "utf-8-sig"
    if bom:
        encoding, raw_text = "utf-8", raw[len(codecs.BOM_UTF8):]
    else:
        raw_text = raw
    try:
        text = raw_text.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw_text.count(b"\n", 0, exc.start) + 1
        raise ReadError(_problem(
            "HLX002", path,
            f"cannot decode as {encoding} at byte {exc.start}: {exc.reason}"
            " (binary file, or a missing coding cookie?)",
            line,
        )) from exc
    return Source(path, text, encoding, bom, _first_newline(text), raw)


def _first_newline(text: str) -> str:
    i = text.find("\n")
    j = text.find("\r")
    if j != -1 and (i == -1 or j < i):
        return "\r\n" if text[j : j + 2] == "\r\n" else "\r"
    return "\n"


def read_json(path: Path, *, label: str | None = None, hint: str | None = None,
              what: str = "JSON") -> Any:
    """The JSON document in ``path``, or an InputError naming it (``label``, default the
    path) and the problem: no such file, cannot read it, not ``what``."""
    name = label or str(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file", hint=hint) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror or exc})"
                         if isinstance(exc, OSError) else f"{name}: not UTF-8 ({exc})",
                         hint=hint) from None
    except ValueError as exc:
        raise InputError(f"{name}: not {what} ({exc})", hint=hint) from None


def read_report(path: Path, command: str, *, hint: str | None = None) -> dict[str, Any]:
    """An ``hlopt COMMAND --format json`` report as a dict, or an InputError saying what the
    file is instead (missing, not JSON, not an hlopt report, another command's report)."""
    doc = read_json(path, hint=hint, what="a JSON report")
    if not isinstance(doc, dict) or "command" not in doc:
        raise InputError(f"{path}: not an hlopt report (no command)", hint=hint)
    if doc["command"] != command:
        raise InputError(f"{path}: an `hlopt {doc['command']}` report, not a {command} "
                         "report", hint=hint)
    if not isinstance(doc.get("findings"), list):
        raise InputError(f"{path}: not an hlopt report (no findings list)", hint=hint)
    return doc


def write_atomic(source: Source, text: str) -> bool:
    """Write ``text`` over ``source.path`` in its encoding, keeping its permission bits;
    False when nothing changed."""
    data = source.encode(text)
    if data == source.raw:
        return False
    write_bytes_atomic(source.path, data, stat.S_IMODE(source.path.stat().st_mode))
    return True


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never
    half of either: a temporary file in the same directory, flushed to disk, given
    ``mode`` and renamed over ``path``; the temporary file is removed on any failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".hlopt-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    """:func:`write_bytes_atomic` of ``text`` in UTF-8."""
    write_bytes_atomic(path, text.encode("utf-8"), mode)


class _suppress_oserror:
    def __enter__(self) -> None:
        return None

    def __exit__(self, typ: object, exc: object, tb: object) -> bool:
        return isinstance(exc, OSError)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _problem(code: str, path: Path, message: str, line: int | None = None) -> Finding:
    return Finding(code, message, path, line, None, Severity.ERROR)
