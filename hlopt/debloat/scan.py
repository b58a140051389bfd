"""Facts every debloat family shares, gathered from one file's ``ast`` in a worker process.

``scan_imports`` lists every import binding with where it sits (module level, a function,
a ``try: ... except ImportError`` block, an ``if TYPE_CHECKING:`` block) and which module
it names, relative imports resolved against the file's package. ``module_name_for``
turns a file path into its dotted module name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


@dataclass(frozen=True, slots=True)
class ImportBinding:
    """One name an import statement binds (``import a.b`` binds ``a``)."""

    #: the local name bound ("*" for a star import)
    binding: str
    #: absolute dotted module the statement names ("" when a relative import cannot resolve)
    module: str
    #: the imported attribute for ``from m import name``; None for ``import m``
    name: str | None
    line: int
    col: int
    end_line: int
    #: "module", "class" or "function": the innermost scope holding the statement
    scope: str
    #: inside ``try:`` whose handlers catch ImportError (or broader): optional dependency
    in_try_import: bool
    #: inside ``if TYPE_CHECKING:`` (or ``if typing.TYPE_CHECKING:``)
    in_type_checking: bool
    #: ``import x as x`` / ``from m import x as x``: the PEP 484 explicit re-export form
    explicit_reexport: bool
    #: leading dots of a relative import (0 for absolute)
    level: int = 0
    #: the statement is inside an ``if``/``else`` block at some depth (conditional import)
    conditional: bool = False

    @property
    def top_level_module(self) -> str:
        return self.module.split(".", 1)[0]


def module_name_for(path: Path, root: Path | None = None) -> tuple[str, bool]:
    """(dotted module name, is_package) for a file, walking up through ``__init__.py`` dirs.

    Files outside any package are named by their stem. ``root`` (if given) stops the walk.
    """
    path = path.resolve()
    is_package = path.stem == "__init__"
    parts = [] if is_package else [path.stem]
    directory = path.parent
    stop = root.resolve() if root is not None else None
    while (directory / "__init__.py").is_file() or (directory / "__init__.pyi").is_file():
        parts.append(directory.name)
        if directory == stop or directory.parent == directory:
            break
        directory = directory.parent
    return ".".join(reversed(parts)), is_package


def resolve_relative(module: str | None, level: int, current: str, is_package: bool) -> str:
    """The absolute module a ``from .x import y`` in ``current`` names ("" if it escapes)."""
    if level == 0:
        return module or ""
    package = current.split(".") if is_package else current.split(".")[:-1]
    if level - 1 > len(package):
        return ""
    base = package[: len(package) - (level - 1)]
    if module:
        base = [*base, *module.split(".")]
    return ".".join(base)


def is_type_checking_test(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (or ``t.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _handler_names(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return {"BaseException"}
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for n in nodes:
        if isinstance(n, ast.Name):
            names.add(n.id)
        elif isinstance(n, ast.Attribute):
            names.add(n.attr)
    return names


def scan_imports(tree: ast.Module, module: str, is_package: bool) -> list[ImportBinding]:
    """Every import binding in ``tree``, in source order."""
    out: list[ImportBinding] = []
    _Scanner(out, module, is_package).body(tree.body)
    return out


class _Scanner:
    """Walks statement lists only: imports are statements, so expressions are never visited
    (several times faster than an ``ast.NodeVisitor`` over every node)."""

    def __init__(self, out: list[ImportBinding], module: str, is_package: bool) -> None:
        self.out = out
        self.module = module
        self.is_package = is_package
        self.scope = "module"
        self.try_import = 0
        self.type_checking = 0
        self.conditional = 0

    def body(self, stmts: list[ast.stmt]) -> None:
        for node in stmts:
            t = type(node)
            if t is ast.Import:
                self.visit_Import(node)  # type: ignore[arg-type]
            elif t is ast.ImportFrom:
                self.visit_ImportFrom(node)  # type: ignore[arg-type]
            elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
                self._scoped(node.body, "function")  # type: ignore[attr-defined]
            elif t is ast.ClassDef:
                self._scoped(node.body, "class")  # type: ignore[attr-defined]
            elif t is ast.If:
                self.visit_If(node)  # type: ignore[arg-type]
            elif t is ast.Try or t is ast.TryStar:
                self.visit_Try(node)  # type: ignore[arg-type]
            elif t in _LOOPS:
                self.body(node.body)  # type: ignore[attr-defined]
                self.body(node.orelse)  # type: ignore[attr-defined]
            elif t is ast.With or t is ast.AsyncWith:
                self.body(node.body)  # type: ignore[attr-defined]
            elif t is ast.Match:
                for case in node.cases:  # type: ignore[attr-defined]
                    self.body(case.body)

    def _scoped(self, stmts: list[ast.stmt], scope: str) -> None:
        saved = self.scope
        self.scope = scope
        self.body(stmts)
        self.scope = saved

    def visit_Try(self, node: ast.Try | ast.TryStar) -> None:
        catches = any(_handler_names(h) & _IMPORT_ERRORS for h in node.handlers)
        self.try_import += catches
        self.body(node.body)
        self.try_import -= catches
        for handler in node.handlers:
            self.body(handler.body)
        self.body(node.orelse)
        self.body(node.finalbody)

    def visit_If(self, node: ast.If) -> None:
        tc = is_type_checking_test(node.test)
        self.type_checking += tc
        self.conditional += 1
        self.body(node.body)
        self.type_checking -= tc
        self.body(node.orelse)
        self.conditional -= 1

    def _add(self, node: ast.stmt, binding: str, module: str, name: str | None,
             explicit: bool, level: int) -> None:
        self.out.append(ImportBinding(
            binding=binding, module=module, name=name, line=node.lineno,
            col=node.col_offset + 1, end_line=node.end_lineno or node.lineno, scope=self.scope,
            in_try_import=self.try_import > 0, in_type_checking=self.type_checking > 0,
            explicit_reexport=explicit, level=level, conditional=self.conditional > 0,
        ))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._add(node, alias.asname, alias.name, None, alias.asname == alias.name, 0)
            else:
                self._add(node, alias.name.split(".", 1)[0], alias.name, None, False, 0)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = resolve_relative(node.module, node.level, self.module, self.is_package)
        for alias in node.names:
            binding = alias.asname or alias.name
            self._add(node, binding, module, alias.name, alias.asname == alias.name,
                      node.level)
