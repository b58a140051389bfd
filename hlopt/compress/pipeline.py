"""Per-file work of ``compress --mode minify``, run in worker processes.

``scan_file`` reads and parses a file and collects its keep-rule facts (phase 1);
``minify_file`` plans, rewrites, lays out and checks it (phase 2). A file that cannot be
read, parsed, rewritten or checked is reported and copied to the output unchanged.
"""

from __future__ import annotations

import ast
import gzip
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.compress.keep import ModuleFacts, TreeFacts, collect_facts, decide, module_name
from hlopt.compress.layout import normalize_newlines
from hlopt.compress.model import Plan
from hlopt.compress.tokens import count_tokens
from hlopt.core.files import ReadError, read_source
from hlopt.core.report import Finding, Severity
from hlopt.core.source import ParseError, parse_ast, write_log


@dataclass(frozen=True)
class Settings:
    """The options a worker needs (picklable)."""

    keep_docstrings: bool = False
    keep_annotations: bool = False
    remove_debug: bool = False
    rename_locals: bool = True


@dataclass(frozen=True)
class Sizes:
    """What a text weighs: bytes (UTF-8), lines, tokens and gzip-compressed bytes."""

    bytes: int = 0
    lines: int = 0
    tokens: int = 0
    gzip: int = 0

    @classmethod
    def of(cls, text: str) -> Sizes:
        data = text.encode("utf-8", "surrogateescape")
        return cls(len(data), text.count("\n") + (bool(text) and not text.endswith("\n")),
                   count_tokens(text), len(gzip.compress(data, 9, mtime=0)))

    def __add__(self, other: Sizes) -> Sizes:
        return Sizes(self.bytes + other.bytes, self.lines + other.lines,
                     self.tokens + other.tokens, self.gzip + other.gzip)


@dataclass
class Scanned:
    """Phase 1 of one file: its facts, or why it cannot be minified."""

    path: Path
    facts: ModuleFacts | None = None
    problem: Finding | None = None


@dataclass
class Minified:
    """Phase 2 of one file: the output text (None: copy the input unchanged) and sizes."""

    path: Path
    output: str | None
    before: Sizes
    after: Sizes
    findings: list[Finding] = field(default_factory=list)
    docstrings_kept: int = 0
    renamed: int = 0


def _read(path: Path) -> str:
    """The file's text with Python's newline translation; ReadError/ParseError on failure."""
    return normalize_newlines(read_source(path).text)


def scan_file(path: Path) -> Scanned:
    try:
        text = _read(path)
        tree = parse_ast(text, path)
    except (ReadError, ParseError) as exc:
        finding = exc.finding
        msg = f"{finding.message}; copied to the output unchanged"
        return Scanned(path, problem=Finding(finding.code, msg, path, finding.line,
                                             finding.col, Severity.ERROR))
    except RecursionError:
        return Scanned(path, problem=Finding("HLX003", "cannot parse: nesting too deep",
                                             path, None, None, Severity.ERROR))
    return Scanned(path, facts=collect_facts(tree, text))


def make_plan(tree: ast.Module, text: str, path: Path, facts: TreeFacts, local: ModuleFacts,
              settings: Settings, taken: set[str] | None = None) -> tuple[Plan, list[Finding]]:
    """The whole plan of one file and the INFO findings of refused renamings."""
    from hlopt.compress.rename import plan_locals

    plan = decide(tree, text, facts, local, module_name(path.stem, path.parent.name),
                  keep_docstrings=settings.keep_docstrings,
                  keep_annotations=settings.keep_annotations)
    plan.remove_debug = settings.remove_debug
    findings: list[Finding] = []
    if settings.rename_locals:
        renames = plan_locals(tree, text, str(path), taken=taken,
                              quiet_signatures=plan.drop_fn_annotations,
                              keywords=facts.keywords)
        plan.renames.update(renames.names)
        plan.except_renames.update(renames.excepts)
        plan.decl_renames.update(renames.nonlocals)
        for line, name, why in renames.refused:
            findings.append(Finding(
                "HLC001", f"locals of `{name}` not renamed: the function {why}",
                path, line, None, Severity.INFO, data={"function": name, "reason": why}))
    return plan, findings


def minify_file(path: Path, facts: TreeFacts, local: ModuleFacts, settings: Settings,
                extra: Plan | None = None, taken: set[str] | None = None) -> Minified:
    """Plan, rewrite, lay out and check one file; on any failure keep the input."""
    from hlopt.compress.minify import MinifyError, minify_source
    from hlopt.compress.verify import CheckFailure, check_output

    text = _read(path)
    before = Sizes.of(text)
    tree = parse_ast(text, path)
    plan, findings = make_plan(tree, text, path, facts, local, settings, taken)
    if extra is not None:
        merge_plans(plan, extra)
    try:
        with _deep_recursion():
            output = minify_source(text, plan)
            check_output(path, text, output, plan)
    except CheckFailure as exc:
        return _failed(path, text, before, findings, str(exc), exc.detail)
    except MinifyError as exc:
        return _failed(path, text, before, findings, str(exc), "")
    except RecursionError:
        return _failed(path, text, before, findings, "nesting too deep for the rewriter", "")
    except Exception as exc:  # libcst could not parse or print: keep the file as it is
        return _failed(path, text, before, findings, f"{type(exc).__name__}: {exc}", "")
    kept = _docstrings(tree) - len(plan.drop_docstrings)
    return Minified(path, output, before, Sizes.of(output), findings, kept, plan.renamed)


@contextmanager
def _deep_recursion(limit: int = 30_000):
    """libcst recurses once per nested node: a long implicit string concatenation
    (pydoc_data/topics.py) nests thousands deep. Python 3.11+ frames cost no C stack."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def merge_plans(plan: Plan, extra: Plan) -> None:
    """Add the tree-wide renames (--rename-globals) to a file's own plan."""
    plan.renames.update(extra.renames)
    plan.attr_renames.update(extra.attr_renames)
    plan.import_renames.update(extra.import_renames)
    for key, mapping in extra.decl_renames.items():
        plan.decl_renames.setdefault(key, {}).update(mapping)


def _docstrings(tree: ast.Module) -> int:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(
        n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    return sum(1 for n in nodes if ast.get_docstring(n, clean=False) is not None)


def _failed(path: Path, text: str, before: Sizes, findings: list[Finding], why: str,
            detail: str) -> Minified:
    log = write_log(path, f"{why}\n\n{detail}")
    findings = [*findings, Finding(
        "HLX900", f"minified output refused, file copied unchanged: {why}; details in {log}",
        path, None, None, Severity.ERROR)]
    return Minified(path, None, before, before, findings)
