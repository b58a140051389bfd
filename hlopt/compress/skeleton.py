"""``--mode skeleton``: the interface of a tree, for a model's context window.

Each file keeps its imports, ``__all__``, constants, and every class and function
signature with its decorators and the first line of its docstring; bodies become
``...``. Comments and blank lines go. The result is valid Python, and
:func:`check_skeleton` proves every import and every public signature survived.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from hlopt.compress.layout import normalize_newlines, strip_comments
from hlopt.compress.model import Options
from hlopt.compress.pipeline import Sizes
from hlopt.compress.tree import mappings, python_files, write_text
from hlopt.core.files import ReadError, read_source
from hlopt.core.report import Artifact, Finding, Report, Severity
from hlopt.core.source import ParseError, parse_ast, write_log

#: a kept value longer than this (in characters) is written as ``...``
MAX_VALUE = 80
_ELLIPSIS = cst.Expr(cst.Ellipsis())


def skeleton_source(text: str) -> str:
    """The skeleton of one module's source (valid Python)."""
    module = cst.parse_module(text)
    doc = _doc_line(module)
    body = ([doc] if doc else []) + _statements(list(module.body)[1 if doc else 0:], "module")
    return strip_comments(module.with_changes(body=body, header=[], footer=[]).code)


def _statements(stmts: list[cst.CSTNode], where: str) -> list[cst.BaseStatement]:
    out: list[cst.BaseStatement] = []
    for stmt in stmts:
        kept = _statement(stmt, where)
        if kept is not None:
            out.append(kept)
    return out


def _statement(stmt: cst.CSTNode, where: str) -> cst.BaseStatement | None:
    if isinstance(stmt, cst.FunctionDef):
        return _function(stmt)
    if isinstance(stmt, cst.ClassDef):
        return _class(stmt)
    if isinstance(stmt, cst.SimpleStatementLine):
        small = [s for s in (_small(s, where) for s in stmt.body) if s is not None]
        return stmt.with_changes(body=small, leading_lines=[]) if small else None
    if isinstance(stmt, cst.If | cst.Try | cst.With | cst.For | cst.While | cst.TryStar):
        return _compound(stmt, where)
    return None


def _small(stmt: cst.BaseSmallStatement, where: str) -> cst.BaseSmallStatement | None:
    if isinstance(stmt, cst.Import | cst.ImportFrom):
        return stmt
    if isinstance(stmt, cst.Assign | cst.AnnAssign | cst.AugAssign):
        targets = _targets(stmt)
        if targets and all(_is_kept_name(t, where) for t in targets):
            value = getattr(stmt, "value", None)
            if value is not None and len(cst.Module([]).code_for_node(value)) > MAX_VALUE:
                return stmt.with_changes(value=cst.Ellipsis())
            return stmt
    return None


def _targets(stmt: cst.CSTNode) -> list[str]:
    if isinstance(stmt, cst.Assign):
        names = [t.target for t in stmt.targets]
    else:
        names = [stmt.target]  # type: ignore[attr-defined]
    return [n.value for n in names if isinstance(n, cst.Name)] if all(
        isinstance(n, cst.Name) for n in names) else []


def _is_kept_name(name: str, where: str) -> bool:
    """Module level: ``__all__``, dunders, constants and type aliases; class level: all."""
    if where == "class" or (name.startswith("__") and name.endswith("__")):
        return True
    head = name.lstrip("_")[:1]
    return bool(head) and head.isupper()


def _doc_line(body: cst.BaseSuite | cst.Module) -> cst.SimpleStatementLine | None:
    """The first line of ``body``'s docstring as a statement, or None."""
    stmts = body.body if isinstance(body, cst.IndentedBlock | cst.Module) else [body]
    first = stmts[0] if stmts else None
    if isinstance(first, cst.SimpleStatementLine | cst.SimpleStatementSuite):
        expr = first.body[0] if first.body else None
        if isinstance(expr, cst.Expr) and isinstance(expr.value, cst.SimpleString
                                                     | cst.ConcatenatedString):
            value = expr.value.evaluated_value
            if isinstance(value, str):
                line = next((ln.strip() for ln in value.splitlines() if ln.strip()), "")
                return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(repr(line)))])
    return None


def _block(stmts: list[cst.BaseStatement]) -> cst.IndentedBlock:
    return cst.IndentedBlock(body=stmts or [cst.SimpleStatementLine([_ELLIPSIS])])


def _function(node: cst.FunctionDef) -> cst.FunctionDef:
    doc = _doc_line(node.body)
    body = ([doc] if doc else []) + [cst.SimpleStatementLine([_ELLIPSIS])]
    return node.with_changes(body=cst.IndentedBlock(body=body), leading_lines=[])


def _class(node: cst.ClassDef) -> cst.ClassDef:
    doc = _doc_line(node.body)
    inner = node.body.body if isinstance(node.body, cst.IndentedBlock) else [
        cst.SimpleStatementLine(list(node.body.body))]
    kept = _statements(list(inner)[1 if doc else 0:], "class")
    return node.with_changes(body=_block(([doc] if doc else []) + kept), leading_lines=[])


def _compound(node: cst.CSTNode, where: str) -> cst.BaseStatement | None:
    """An if/try/with/for/while holding imports or definitions, other lines dropped."""
    found = False

    def prune(suite: cst.BaseSuite) -> cst.BaseSuite:
        nonlocal found
        stmts = suite.body if isinstance(suite, cst.IndentedBlock) else [
            cst.SimpleStatementLine(list(suite.body))]
        kept = _statements(list(stmts), where)
        found = found or bool(kept)
        return _block(kept)

    class Pruner(cst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0

        def visit_IndentedBlock(self, n: cst.IndentedBlock) -> bool:
            return False

        def visit_SimpleStatementSuite(self, n: cst.SimpleStatementSuite) -> bool:
            return False

        def leave_IndentedBlock(self, o: cst.IndentedBlock, u: cst.IndentedBlock
                                ) -> cst.BaseSuite:
            return prune(u)

        leave_SimpleStatementSuite = leave_IndentedBlock  # type: ignore[assignment]

    new = node.visit(Pruner())
    return new.with_changes(leading_lines=[]) if found else None  # type: ignore[union-attr]


def check_skeleton(original: ast.Module, skeleton: str, path: Path) -> list[str]:
    """What the skeleton lost: imports and public signatures (empty when none)."""
    tree = ast.parse(skeleton, str(path))
    lost = []
    want_imports = {ast.dump(n) for n in _outer(original) if isinstance(n, ast.Import
                                                                       | ast.ImportFrom)}
    have_imports = {ast.dump(n) for n in _outer(tree) if isinstance(n, ast.Import
                                                                   | ast.ImportFrom)}
    lost += [f"import {d[:60]}" for d in want_imports - have_imports]
    have = _signatures(tree)
    for name, sig in _signatures(original).items():
        if not name.split(".")[-1].startswith("_") and have.get(name) != sig:
            lost.append(f"signature of {name}")
    return lost


def _outer(tree: ast.AST):
    """Nodes outside function bodies."""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(ast.iter_child_nodes(node))


def _signatures(tree: ast.AST, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            deco = [ast.dump(d) for d in node.decorator_list]
            out[prefix + node.name] = repr((deco, ast.dump(node.args), ast.dump(node.returns)
                                            if node.returns else None))
        elif isinstance(node, ast.ClassDef):
            out[prefix + node.name] = repr(([ast.dump(d) for d in node.decorator_list],
                                            [ast.dump(b) for b in node.bases]))
            out.update(_signatures(node, f"{prefix}{node.name}."))
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            out.update(_signatures(node, prefix))
    return out


def run_skeleton(options: Options) -> Report:
    """Skeletonize every input file; write them under -o or send them to the sink."""
    report = Report("compress", ", ".join(str(p) for p in options.paths))
    before = after = Sizes()
    out = options.output
    targets = mappings(options.paths, out or Path("."), file_suffix=".py")
    for m in targets:
        files, problems = python_files(m, options.exclude, options.respect_gitignore)
        report.findings.extend(problems)
        for src, dest in files:
            result = _one(src, report)
            if result is None:
                continue
            text, skeleton = result
            before, after = before + Sizes.of(text), after + Sizes.of(skeleton)
            if out is not None:
                write_text(dest, skeleton, src)
            elif options.sink is not None:
                options.sink(f"# {src}\n{skeleton}")
    from hlopt.compress.engine import size_metrics

    report.metrics = size_metrics(before, after)
    if out is not None:
        report.artifacts.append(Artifact("skeleton", out, "skeleton of the input tree"))
    report.notes.append("skeleton files keep every import and public signature "
                        "(checked); bodies are `...`")
    return report


def _one(path: Path, report: Report) -> tuple[str, str] | None:
    try:
        text = normalize_newlines(read_source(path).text)
        tree = parse_ast(text, path)
    except (ReadError, ParseError) as exc:
        f = exc.finding
        report.findings.append(Finding(f.code, f"{f.message}; skipped", path, f.line, f.col,
                                       Severity.ERROR))
        return None
    try:
        skeleton = skeleton_source(text)
        lost = check_skeleton(tree, skeleton, path)
    except Exception as exc:  # libcst could not parse, or the skeleton does not parse
        lost = [f"{type(exc).__name__}: {exc}"]
        skeleton = ""
    if lost:
        log = write_log(path, "\n".join(lost) + "\n\n" + skeleton)
        report.findings.append(Finding(
            "HLX900", f"skeleton refused: it lost {lost[0]}; details in {log}", path,
            None, None, Severity.ERROR))
        return None
    return text, skeleton
