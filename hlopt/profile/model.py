"""A normalized profile: weighted stacks (or exact per-function stats) from any engine."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame as an engine reports it."""

    #: the engine's name for the function (``f``, ``Class.method``, ``<module>``)
    name: str
    #: a path, or a pseudo file (``<frozen importlib._bootstrap>``, ``~``, ``<string>``)
    file: str
    #: the line being executed in this frame (0 when unknown)
    line: int = 0
    #: the function's first line (``co_firstlineno``), when the engine knows it
    first_line: int | None = None


@dataclass(frozen=True, slots=True)
class FunctionId:
    """A function, the same whichever engine saw it."""

    qualname: str
    file: str
    #: the ``def`` line (1 for a module, 0 for builtins and native code)
    line: int
    scope: str
    #: lowest and highest ``co_firstlineno`` this function can have (decorators come first)
    first_lines: tuple[int, int] = (0, 0)

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def is_python(self) -> bool:
        return self.scope in ("user", "stdlib", "library") and self.line > 0


@dataclass
class ExactStats:
    """Per-function numbers from a deterministic profiler (cProfile)."""

    self_s: float
    total_s: float
    calls: int


@dataclass
class Exit:
    """How the profiled program ended."""

    code: int | None = None
    exception: str | None = None
    where: dict[str, Any] | None = None
    #: stopped by hlopt (``--duration`` or Ctrl-C), not by itself
    stopped: bool = False


@dataclass
class Profile:
    """What one engine recorded about one run."""

    engine: str
    mode: str
    #: root-first stacks and their weight in seconds
    samples: list[tuple[tuple[Frame, ...], float]] = field(default_factory=list)
    #: exact per-function stats (cProfile); empty for samplers
    exact: dict[FunctionId, ExactStats] = field(default_factory=dict)
    wall_s: float = 0.0
    cpu_s: float | None = None
    interval_s: float | None = None
    exit: Exit = field(default_factory=Exit)
    #: engine-native data kept for artifacts (a pyinstrument session)
    raw: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total_weight(self) -> float:
        if self.exact:
            return sum(s.self_s for s in self.exact.values())
        return sum(w for _, w in self.samples)

    @property
    def has_stacks(self) -> bool:
        return bool(self.samples)


_STDLIB = re.compile(r"[/\\]lib[/\\]python\d+(\.\d+)?t?[/\\]")
_LIBRARY = ("site-packages", "dist-packages")


def scope_of(file: str) -> str:
    """Where a frame's code lives: ``user`` (the program's own code), ``stdlib``,
    ``library`` (an installed package), ``builtin`` (a C function the interpreter calls) or
    ``native`` (a shared library, seen with ``--native``)."""
    if file.startswith("<frozen"):
        return "stdlib"
    if file in ("~", "") or file.startswith("<built-in"):
        return "builtin"
    if file.endswith((".so", ".dylib", ".dll")) or file == "?" or ".so." in file:
        return "native"
    parts = re.split(r"[/\\]", file)
    if any(p in _LIBRARY for p in parts):
        return "library"
    if _STDLIB.search(file):
        return "stdlib"
    return "user"


@dataclass(frozen=True, slots=True)
class _Def:
    qualname: str
    name: str
    start: int
    first: int
    end: int


@functools.lru_cache(maxsize=64)
def parse_file(file: str) -> ast.Module | None:
    """The ast of a source file (cached: several analyses read the same hot files)."""
    try:
        return ast.parse(Path(file).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None


#: statement-list fields of compound statements (defs hide inside if/try/with blocks)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


@functools.lru_cache(maxsize=512)
def _defs(file: str) -> tuple[_Def, ...]:
    """Every function and class in ``file`` with its qualname and line span.

    Walks statement lists only (never expressions), which keeps this cheap on the large
    standard-library modules that hot stacks pass through.
    """
    tree = parse_file(file)
    if tree is None:
        return ()
    out: list[_Def] = []
    todo: list[tuple[list[ast.AST], str]] = [(list(tree.body), "")]
    while todo:
        body, prefix = todo.pop()
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}{node.name}"
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                out.append(_Def(qual, node.name, node.lineno, first,
                                node.end_lineno or node.lineno))
                inner = f"{qual}." if isinstance(node, ast.ClassDef) else f"{qual}.<locals>."
                todo.append((node.body, inner))
                continue
            for name in _BODIES:
                block = getattr(node, name, None)
                if block:
                    todo.append((block, prefix))
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def resolve(frame: Frame) -> FunctionId:
    """The function a frame belongs to, named by its qualname from the source when readable."""
    scope = scope_of(frame.file)
    if scope == "builtin":  # cProfile says "~", pyinstrument "<built-in>"
        return FunctionId(frame.name, "<built-in>", 0, scope)
    if scope == "native":  # unsymbolised addresses count as one function per library
        name = f"[{Path(frame.file).name}]" if frame.name.startswith("0x") else frame.name
        return FunctionId(name, frame.file, 0, scope)
    if frame.file.startswith("<") or scope != "user":
        # frozen modules and -c code have no source to read; library code is named by the
        # engine and read only when it is reported (``refine``): a run through pytest or
        # a big framework passes through hundreds of files
        line = 1 if frame.name == "<module>" else frame.first_line or 0
        return FunctionId(frame.name, frame.file, line, scope, (line, line))
    return _resolve_python(frame.name, frame.file, frame.line, frame.first_line, scope)


@functools.lru_cache(maxsize=4096)
def refine(fid: FunctionId) -> FunctionId:
    """Library code named from its source: the qualname and the ``def`` line."""
    if fid.scope not in ("stdlib", "library") or fid.file.startswith("<") or \
            fid.name == "<module>":
        return fid
    for d in _defs(fid.file):  # only for the few functions reported
        if d.name != fid.name:
            continue
        by_line = fid.line and d.first <= fid.line <= d.start
        by_name = not fid.line and (d.qualname == fid.qualname or
                                    d.qualname.endswith("." + fid.qualname))
        if by_line or by_name:
            return FunctionId(d.qualname, fid.file, d.start, fid.scope, (d.first, d.start))
    return fid


@functools.lru_cache(maxsize=65536)
def _resolve_python(name: str, file: str, line: int, first_line: int | None,
                    scope: str) -> FunctionId:
    short = name.rsplit(".", 1)[-1]
    if short == "<module>":
        return FunctionId("<module>", file, 1, scope, (1, 1))
    probe = first_line if first_line else line
    best: _Def | None = None
    for d in _defs(file):
        if d.name != short:
            continue
        if first_line and d.first <= first_line <= d.start:
            best = d
            break
        if d.first <= probe <= d.end and (best is None or d.first >= best.first):
            best = d
    if best is None:
        inner = short.startswith("<") and _enclosing(file, probe)
        qual = f"{inner}.{short}" if inner else name
        line_no = first_line or 0  # unknown: frames of one function must not split by line
        return FunctionId(qual, file, line_no, scope, (line_no, line_no))
    return FunctionId(best.qualname, file, best.start, scope, (best.first, best.start))


def _enclosing(file: str, line: int) -> str | None:
    """The qualname of the innermost def around ``line`` (for lambdas and comprehensions)."""
    best: _Def | None = None
    for d in _defs(file):
        if d.first <= line <= d.end and (best is None or d.first >= best.first):
            best = d
    return best.qualname if best else None


def source_line(file: str, line: int) -> str:
    """The stripped text of one source line, or "" when it cannot be read."""
    text = _lines(file)
    return text[line - 1].strip() if 0 < line <= len(text) else ""


@functools.lru_cache(maxsize=256)
def _lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def function_node(fid: FunctionId) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The ast node of a Python function, found by its qualname and def line."""
    tree = parse_file(fid.file)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                node.lineno == fid.line and node.name == fid.name:
            return node
    return None


def strip_frames(stack: Iterable[Frame], marker: str) -> tuple[Frame, ...] | None:
    """The part of ``stack`` below the runner's ``marker`` frame (and runpy), or None."""
    frames = tuple(stack)
    cut = None
    for i, f in enumerate(frames):
        if f.name.endswith(marker):
            cut = i
    if cut is None:
        return None
    rest = frames[cut + 1:]
    i = 0
    while i < len(rest) and _is_runpy(rest[i].file):
        i += 1
    return rest[i:]


def _is_runpy(file: str) -> bool:
    return file.endswith("runpy.py") or file == "<frozen runpy>"
