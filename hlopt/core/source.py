"""Parse source for analysis (``ast``) and rewrite it safely (libcst codemods).

Every rewrite goes through :func:`check_rewrite` (black's ``--safe``): the output parses,
a second pass changes nothing, and the findings it was meant to fix are gone. When any
check fails, the file is left as it was and an HLX900 finding names a log with the diff.
"""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.report import Finding, Severity


class ParseError(Exception):
    """Source is not valid Python; ``finding`` is the HLX003 finding to report."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def parse_ast(text: str, path: Path) -> ast.Module:
    """``ast.parse`` with a SyntaxError turned into a ParseError naming file and line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not ours to report
            return ast.parse(text, filename=str(path), type_comments=False)
    except SyntaxError as exc:
        msg = f"syntax error: {exc.msg}"
        raise ParseError(Finding(
            "HLX003", msg, path, exc.lineno, exc.offset, Severity.ERROR
        )) from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ParseError(Finding("HLX003", f"cannot parse: {exc}", path, None, None,
                                 Severity.ERROR)) from exc


def diff_text(before: str, after: str, path: Path | str) -> str:
    """A unified diff, or "" when nothing changed (LibCST's ``diff_code``)."""
    if before == after:
        return ""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    ))


@dataclass(frozen=True)
class RewriteOutcome:
    """A checked rewrite: the new text (equal to the old on failure) and what went wrong."""

    text: str
    failure: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def check_rewrite(
    path: Path,
    before: str,
    after: str,
    *,
    rewrite_again: Callable[[str], str],
    remaining: Callable[[str, ast.Module], list[str]] | None = None,
) -> RewriteOutcome:
    """Apply black's three checks to a rewrite; on failure keep ``before``.

    Args:
        rewrite_again: the same rewrite run on ``after``; it must return ``after`` unchanged.
        remaining: describes findings the rewrite was meant to remove that are still in
            ``after`` (given its text and ast); any entry fails the check.
    """
    if before == after:
        return RewriteOutcome(before)
    try:
        tree = parse_ast(after, path)
    except ParseError as exc:
        return _failed(path, before, after, f"the rewrite does not parse ({exc.finding.message})")
    try:
        again = rewrite_again(after)
    except Exception:  # a crash in the second pass is a failed check, not a crash of the run
        return _failed(path, before, after, "the second pass crashed", traceback.format_exc())
    if again != after:
        return _failed(path, before, after, "a second pass changed the file again",
                       diff_text(after, again, path))
    if remaining is not None:
        left = remaining(after, tree)
        if left:
            return _failed(path, before, after,
                           f"the rewrite left what it was meant to fix: {'; '.join(left[:3])}")
    return RewriteOutcome(after)


def _failed(path: Path, before: str, after: str, why: str, extra: str = "") -> RewriteOutcome:
    log = write_log(path, diff_text(before, after, path) + ("\n" + extra if extra else ""))
    msg = f"rewrite refused, file left untouched: {why}; diff in {log}"
    return RewriteOutcome(before, Finding("HLX900", msg, path, None, None, Severity.ERROR))


def internal_error(path: Path | None, what: str) -> Finding:
    """An HLX900 finding for a crash while processing ``path``; the traceback goes to a log."""
    log = write_log(path or Path("hlopt"), traceback.format_exc())
    return Finding("HLX900", f"internal error while {what}; details in {log}", path, None, None,
                   Severity.ERROR)


def write_log(path: Path, content: str) -> Path:
    """Write ``content`` to a fresh log file under the hlopt log directory; return its path."""
    root = Path(os.environ.get("HLOPT_LOG_DIR") or Path(tempfile.gettempdir()) / "hlopt-logs")
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"{stamp}-{path.name}-", suffix=".log", dir=root)
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
        fh.write(f"file: {path}\n\n{content}")
    return Path(name)
