"""The options of ``hlopt compress`` and the per-file plan its transforms share."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.progress import Progress, no_progress

#: the key of a module body; a def or class is keyed by ``(n, 0)``, n its place in source
#: order (see scopes.def_keys)
MODULE: tuple[int, int] = (0, 0)

Key = tuple[int, int]


class Mode(enum.StrEnum):
    """What ``compress`` produces."""

    minify = "minify"
    skeleton = "skeleton"
    bundle = "bundle"


@dataclass(frozen=True)
class Options:
    """Options of ``hlopt compress``; see docs/compress.md."""

    paths: tuple[Path, ...] = (Path("."),)
    mode: Mode = Mode.minify
    #: output directory (minify), file or directory (skeleton), or .pyz file (bundle)
    output: Path | None = None
    #: rename module-level names too, rewriting every importer inside the tree
    rename_globals: bool = False
    keep_docstrings: bool = False
    keep_annotations: bool = False
    #: drop asserts and fold ``if __debug__:`` (the output behaves as under ``python -O``)
    remove_debug: bool = False
    #: rename local names (on by default; refused where unsafe)
    rename_locals: bool = True
    #: a command run against the minified tree (``pytest -q``)
    test_cmd: str | None = None
    #: the bundle's entry point, ``module:function`` (default: the tree's ``__main__.py``)
    entry: str | None = None
    #: precompile the bundle's modules for this Python (``3.11``)
    python: str | None = None
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    respect_gitignore: bool = True
    progress: Progress = no_progress
    #: skeleton without an output: where the skeleton text goes (the CLI passes stdout)
    sink: Callable[[str], object] | None = None


@dataclass
class Plan:
    """What the transforms do to one file, decided once from its ``ast``.

    The rewriter (``minify``: renames as token edits, then libcst) and the independent
    AST checker (``verify``) both apply this plan. Definitions are keyed by their place
    in source order; renames by source position (1-based line, 0-based column in
    characters) of the name, or of the statement holding it.
    """

    #: owners (MODULE or a def/class key) whose docstring is removed
    drop_docstrings: set[Key] = field(default_factory=set)
    #: defs whose parameter and return annotations are removed
    drop_fn_annotations: set[Key] = field(default_factory=set)
    #: module or classes whose body-level variable annotations are removed
    drop_var_annotations: set[Key] = field(default_factory=set)
    #: drop the annotations of local variables (never evaluated, never stored)
    drop_local_annotations: bool = True
    #: (function key, name) of bare ``x: T`` lines that must stay (x bound nowhere else)
    bare_kept: set[tuple[Key, str]] = field(default_factory=set)
    #: keep string statements that are not docstrings (all, or only in class bodies)
    keep_strings: bool = False
    keep_class_strings: bool = False
    remove_debug: bool = False
    #: ``class A(object):`` -> ``class A:`` (off where the module binds ``object``)
    drop_object_base: bool = True
    #: (line, col) of a Name or parameter -> its new name
    renames: dict[Key, str] = field(default_factory=dict)
    #: (line, col) of an ``except ... as name`` handler -> the new name
    except_renames: dict[Key, str] = field(default_factory=dict)
    #: (line, col) of a ``nonlocal`` or ``global`` statement -> {old: new}
    decl_renames: dict[Key, dict[str, str]] = field(default_factory=dict)
    #: (line, col) of an ``import`` statement -> {imported name: new name} (--rename-globals)
    import_renames: dict[Key, dict[str, str]] = field(default_factory=dict)
    #: (line, col) of an attribute's name -> its new name (``mod.NAME`` in an importer)
    attr_renames: dict[Key, str] = field(default_factory=dict)

    @property
    def renamed(self) -> int:
        return len(self.renames) + len(self.except_renames)
