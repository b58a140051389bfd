"""Prove a minified file means what the plan says: it compiles, and its AST is the input's
with the same plan applied by an ``ast`` transformer written apart from the libcst rewriter;
then (``run_tests``) run the project's own tests against the minified tree.

Transforms that only change spelling or layout (literals, whitespace, comments, joined
statements) leave the AST as it was, so the comparison checks them too.
"""

from __future__ import annotations

import ast
import difflib
import os
import shlex
import shutil
import tempfile
import warnings
from pathlib import Path

from hlopt.compress.model import MODULE, Key, Plan
from hlopt.compress.scopes import ColumnMap, def_keys
from hlopt.core.errors import UsageError
from hlopt.core.run import Completed, run

_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "pytest.ini")
_STAGE_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", ".tox", ".nox", "node_modules",
                                     "__pycache__", "*.egg-info", ".pytest_cache",
                                     ".mypy_cache", ".ruff_cache")

_BODY_FIELDS = ("body", "orelse", "finalbody")


class CheckFailure(Exception):
    """A minified file failed a check; ``detail`` holds what a log should show."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def check_output(path: Path, original: str, output: str, plan: Plan) -> None:
    """Raise CheckFailure unless ``output`` compiles and equals the planned AST."""
    try:
        with warnings.catch_warnings():  # the input's own warnings are not ours to print
            warnings.simplefilter("ignore")
            compile(output, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise CheckFailure(f"the output does not compile: {exc}") from exc
    expected = apply_plan(ast.parse(original), original, plan)  # parsing beats deepcopy
    want, got = dump(expected), dump(ast.parse(output))
    if want != got:
        diff = "".join(difflib.unified_diff(
            want.splitlines(keepends=True), got.splitlines(keepends=True),
            "expected (input with the plan applied on the ast)", "minified output", n=2))
        raise CheckFailure("the output's AST differs from the planned AST", diff)


def dump(tree: ast.AST) -> str:
    """``ast.dump`` without the ``u`` string kind (a spelling, not a value)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.kind = None
    return ast.dump(tree, indent=1)


def apply_plan(tree: ast.Module, text: str, plan: Plan) -> ast.Module:
    """The AST twin of :mod:`hlopt.compress.minify`: apply ``plan`` to ``tree``."""
    _Applier(plan, text, def_keys(tree)).visit(tree)
    return tree


def is_debug_test(node: ast.expr) -> bool | None:
    if isinstance(node, ast.Name) and node.id == "__debug__":
        return True
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
            and isinstance(node.operand, ast.Name) and node.operand.id == "__debug__"):
        return False
    return None


def _is_str_stmt(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def _merge_imports(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """The twin of minify.merge_imports."""
    out: list[ast.stmt] = []
    for s in stmts:
        prev = out[-1] if out else None
        if isinstance(s, ast.Import) and isinstance(prev, ast.Import):
            prev.names = [*prev.names, *s.names]
        elif (isinstance(s, ast.ImportFrom) and isinstance(prev, ast.ImportFrom)
              and (s.module, s.level) == (prev.module, prev.level)
              and not any(a.name == "*" for a in [*s.names, *prev.names])):
            prev.names = [*prev.names, *s.names]
        else:
            out.append(s)
    return out


class _Applier(ast.NodeTransformer):
    def __init__(self, plan: Plan, text: str, defs: dict[int, Key]) -> None:
        self.plan = plan
        self.col = ColumnMap(text)
        self.defs = defs
        self.scopes: list[tuple[str, Key]] = [("module", MODULE)]
        self.dropped: dict[int, ast.AST] = {}

    # -- bodies ---------------------------------------------------------------------
    def visit_Module(self, node: ast.Module) -> ast.Module:
        self.generic_visit(node)
        node.body = self.clean(node.body, MODULE, "module", fill=False)
        return node

    def _owner(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
               kind: str) -> ast.AST:
        key = self.defs[id(node)]
        self.scopes.append((kind, key))
        self.generic_visit(node)
        self.scopes.pop()
        node.body = self.clean(node.body, key, kind, fill=True)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        key = self.defs[id(node)]
        self._owner(node, "function")
        if key in self.plan.drop_fn_annotations:
            args = node.args
            for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg,
                      args.kwarg]:
                if a is not None:
                    a.annotation = None
            node.returns = None
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        if (self.plan.drop_object_base and not node.keywords and len(node.bases) == 1
                and isinstance(node.bases[0], ast.Name) and node.bases[0].id == "object"):
            node.bases = []
        return self._owner(node, "class")

    def visit_Return(self, node: ast.Return) -> ast.Return:
        self.generic_visit(node)
        if isinstance(node.value, ast.Constant) and node.value.value is None:
            node.value = None
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            return node
        kind = self.scopes[-1][0]
        for name in _BODY_FIELDS:
            stmts = getattr(node, name, None)
            if not isinstance(stmts, list) or not stmts or not isinstance(stmts[0], ast.stmt):
                continue
            if name == "orelse" and isinstance(node, ast.If) and self._is_elif(stmts):
                continue
            setattr(node, name, self.clean(stmts, None, kind, fill=True))
        return node

    def _is_elif(self, orelse: list[ast.stmt]) -> bool:
        if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
            return False
        line, col = self.col.key(orelse[0])
        return self.col.lines[line - 1][col:].startswith("elif")

    def clean(self, stmts: list[ast.stmt], owner: Key | None, kind: str, *,
              fill: bool) -> list[ast.stmt]:
        """The statements that stay (the twin of minify._Minifier.clean)."""
        plan = self.plan
        out: list[ast.stmt] = []
        for i, s in enumerate(stmts):
            if i == 0 and owner is not None and _is_str_stmt(s):
                if owner not in plan.drop_docstrings:
                    out.append(s)
                continue
            if isinstance(s, ast.Pass) or id(s) in self.dropped:
                continue
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant):
                if _is_str_stmt(s) and (plan.keep_strings
                                        or (plan.keep_class_strings and kind == "class")):
                    out.append(s)
                continue
            if plan.remove_debug:
                if isinstance(s, ast.Assert):
                    continue
                folded = self._fold(s)
                if folded is not None:
                    out.extend(self.clean(folded, None, kind, fill=False))
                    continue
            out.append(s)
        if fill and not out:
            out.append(ast.Expr(ast.Constant(0)))
        return _merge_imports(out)

    @staticmethod
    def _fold(s: ast.stmt) -> list[ast.stmt] | None:
        if not isinstance(s, ast.If):
            return None
        debug = is_debug_test(s.test)
        if debug is None:
            return None
        return list(s.orelse) if debug else list(s.body)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        self.generic_visit(node)
        kind, owner = self.scopes[-1]
        plan = self.plan
        if kind == "function":
            if not plan.drop_local_annotations:
                return node
            if node.value is None:
                if isinstance(node.target, ast.Name) and (
                    (owner, self._original_name(node.target)) not in plan.bare_kept
                ):
                    self.dropped[id(node)] = node
                return node
        elif owner not in plan.drop_var_annotations:
            return node
        elif node.value is None:
            if isinstance(node.target, ast.Name):
                self.dropped[id(node)] = node
            return node
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)

    @staticmethod
    def _original_name(target: ast.Name) -> str:
        """The name before renaming (bare_kept is keyed by the input's names)."""
        return getattr(target, "_hlopt_original", target.id)

    # -- names --------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> ast.Name:
        new = self.plan.renames.get(self.col.key(node))
        if new is not None:
            node._hlopt_original = node.id  # type: ignore[attr-defined]
            node.id = new
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        self.generic_visit(node)
        new = self.plan.renames.get(self.col.key(node))
        if new is not None:
            node.arg = new
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        new = self.plan.except_renames.get(self.col.key(node))
        if new is not None:
            node.name = new
        return self.generic_visit(node)

    def visit_Nonlocal(self, node: ast.Nonlocal | ast.Global) -> ast.AST:
        mapping = self.plan.decl_renames.get(self.col.key(node), {})
        node.names = [mapping.get(n, n) for n in node.names]
        return node

    visit_Global = visit_Nonlocal  # type: ignore[assignment]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        mapping = self.plan.import_renames.get(self.col.key(node), {})
        for alias in node.names:
            if alias.name in mapping:
                alias.asname = alias.asname or alias.name
                alias.name = mapping[alias.name]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        assert node.end_lineno is not None and node.end_col_offset is not None
        end = self.col.char_col(node.end_lineno, node.end_col_offset)
        new = self.plan.attr_renames.get((node.end_lineno, end - len(node.attr)))
        if new is not None:
            node.attr = new
        return node


def project_root(path: Path) -> Path:
    """The nearest directory at or above ``path`` with a project file (pyproject.toml...)."""
    start = path.resolve()
    start = start if start.is_dir() else start.parent
    for directory in (start, *start.parents):
        if any((directory / m).exists() for m in _PROJECT_MARKERS):
            return directory
    return start


def run_tests(cmd: str, source: Path, output: Path, timeout: float = 3600) -> tuple[
        Completed, str]:
    """Run ``cmd`` on the project with the minified tree in place of ``source``.

    When ``source`` is the project root, the command runs in ``output`` itself. Otherwise
    the project is copied to a temporary directory, ``source``'s place in it is filled
    with the output, and the command runs there (``PYTHONPATH`` points at the copy).
    Returns the finished process and a description of where it ran.
    """
    args = shlex.split(cmd)
    if not args:
        raise UsageError("--test-cmd is empty", hint="for example --test-cmd 'pytest -q'")
    root = project_root(source)
    src = source.resolve()
    if src == root or src in root.parents:
        return run(args, cwd=output, timeout=timeout, env=_env(output)), str(output)
    with tempfile.TemporaryDirectory(prefix="hlopt-compress-test-") as tmp:
        stage = Path(tmp) / root.name
        out = output.resolve()
        shutil.copytree(root, stage, symlinks=True,
                        ignore=_skip_output(out, _STAGE_SKIP))
        place = stage / src.relative_to(root)
        if place.is_dir():
            shutil.rmtree(place)
            shutil.copytree(output, place, symlinks=True)
        else:
            shutil.copy2(output, place)
        done = run(args, cwd=stage, timeout=timeout, env=_env(stage))
    return done, f"a copy of {root} with {source} minified"


def _skip_output(out: Path, base):
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set(base(directory, names))
        skipped.update(n for n in names if (Path(directory) / n).resolve() == out)
        return skipped
    return ignore


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(root)] + ([str(root / "src")] if (root / "src").is_dir() else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
