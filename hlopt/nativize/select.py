"""Turn ``path.py:func`` (or the hot functions of a profile report) into nativize targets."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError, UsageError
from hlopt.core.files import ReadError, read_report, read_source
from hlopt.core.source import ParseError, parse_ast
from hlopt.nativize.model import Target

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


def resolve(spec: str, cwd: Path) -> Target:
    """The function ``spec`` names (``path.py:func`` or ``path.py:Class.method``)."""
    raw_path, sep, qualname = spec.rpartition(":")
    if not sep or not raw_path or not _is_qualname(qualname):
        raise UsageError(f"{spec!r} is not a function named path.py:func",
                         hint="write the file, a colon and the function: app/stats.py:mean "
                              "(or app/model.py:Model.predict for a method)")
    path = (cwd / raw_path).resolve() if not Path(raw_path).is_absolute() else Path(raw_path)
    if not path.is_file():
        raise InputError(f"{raw_path}: no such file", hint=f"check the path (relative to {cwd})")
    if path.suffix != ".py":
        raise UsageError(f"{raw_path} is not a Python file (.py)",
                         hint="nativize compiles functions of Python source files")
    tree = parse_file(path, raw_path)
    node = find_function(tree, qualname)
    if node is None:
        raise UsageError(f"{raw_path} has no function `{qualname}`",
                         hint=_known(tree, raw_path))
    module, root = module_of(path)
    return Target(path, qualname, module, root, node.lineno)


def parse_file(path: Path, shown: str | Path) -> ast.Module:
    """The module's AST; an InputError naming the file and line when it cannot be parsed."""
    try:
        source = read_source(path)
        return parse_ast(source.text, path)
    except ReadError as exc:
        raise InputError(f"{shown}: {exc.finding.message}") from None
    except ParseError as exc:
        f = exc.finding
        where = f":{f.line}" + (f":{f.col}" if f.col else "") if f.line else ""
        raise InputError(f"{shown}{where}: {f.message}",
                         hint="fix the file so Python can import it, then run nativize "
                              "again") from None


def find_function(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The ``def`` of ``qualname`` (``func`` or ``Class.method``, classes may nest)."""
    *classes, name = qualname.split(".")
    body: list[ast.stmt] = tree.body
    for cls in classes:
        found = _last(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls)
        if found is None:
            return None
        body = found.body
    return _last(n for n in body if isinstance(n, FUNCTION_NODES) and n.name == name)


def _last(nodes: Iterator[Any]) -> Any:
    """The last definition wins, as at run time."""
    found = None
    for node in nodes:
        found = node
    return found


def functions(tree: ast.Module) -> list[str]:
    """Every function nativize can name in a module: ``func`` and ``Class.method``."""
    out: list[str] = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, FUNCTION_NODES):
                out.append(prefix + node.name)
            elif isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")

    walk(tree.body, "")
    return list(dict.fromkeys(out))


def _known(tree: ast.Module, shown: str) -> str:
    names = functions(tree)
    if not names:
        return f"{shown} defines no function at module or class level"
    more = f" (and {len(names) - 20} more)" if len(names) > 20 else ""
    return f"functions in {shown}: {', '.join(names[:20])}{more}"


def _is_qualname(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def module_of(path: Path) -> tuple[str, Path]:
    """The dotted module name of ``path`` and the directory that must be on sys.path.

    Walks up while the directory is a package (has ``__init__.py``); a file outside any
    package is a top-level module named after its stem, imported from its own directory.
    """
    path = path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    if not parts:  # a stray __init__.py with no package above it
        parts = [path.parent.name]
    return ".".join(parts), directory


def load_profile(path: Path) -> dict[str, Any]:
    """A ``hlopt profile --format json`` report, or an InputError saying what it is instead."""
    return read_report(path, "profile", hint="write one with `hlopt profile app.py -o "
                       "prof.json` (or --format json > prof.json)")


def hot_targets(doc: dict[str, Any]) -> list[str]:
    """The ``data.target`` of the report's hot functions (HLH001), hottest first."""
    hot = [f for f in doc.get("findings") or () if isinstance(f, dict)
           and f.get("code") == "HLH001" and isinstance(f.get("data"), dict)
           and f["data"].get("target") and "<" not in str(f["data"]["target"])]
    hot.sort(key=lambda f: f["data"].get("rank") or 0)
    return list(dict.fromkeys(str(f["data"]["target"]) for f in hot))


def from_profile(path: Path, top: int, cwd: Path) -> list[Target]:
    """The ``top`` hottest functions of the program's own code in a profile report.

    A target's path is relative to where the profile ran: the current directory, else
    the report's own directory.
    """
    if top < 1:
        raise UsageError(f"--top {top}: must be at least 1")
    doc = load_profile(path)
    specs = hot_targets(doc)
    if not specs:
        raise InputError(f"{path}: the profile names no hot function of the program's own "
                         "code (every hot spot is in the standard library, a package or C)",
                         hint="name the function yourself: hlopt nativize path.py:func")
    bases = [cwd] + ([path.parent] if path.parent.resolve() != cwd.resolve() else [])
    return [resolve(_locate(spec, bases), cwd) for spec in specs[:top]]


def _locate(spec: str, bases: list[Path]) -> str:
    raw, _, qualname = spec.rpartition(":")
    for base in bases:
        candidate = Path(raw) if Path(raw).is_absolute() else base / raw
        if candidate.is_file():
            return f"{candidate}:{qualname}"
    return spec


def profiled_command(doc: dict[str, Any]) -> list[str] | None:
    """The program the profile ran (its report's ``target``), to run again for samples.

    ``app.py --port 1`` -> ``["app.py", "--port", "1"]``; ``-m pkg args`` -> ``["-m",
    "pkg", "args"]``; None for an attached process (``pid 42``) or a diff.
    """
    target = str(doc.get("target") or "")
    if not target or target.startswith("pid ") or " -> " in target:
        return None
    try:
        return shlex.split(target)
    except ValueError:
        return None
