"""The slow-pattern family (HLF): code that does more work than it needs, weighted by how
deep in loops it runs.

``collect`` (``slow_scan``) walks each file once, tracking loop depth; ``check`` turns the
hits into findings and ranks them: the deeper the loop, the more often the pattern runs.
A finding in a nested loop (depth 2 or more) is a warning, one in a single loop or outside
loops is advice (info). ``data.rank`` orders every HLF finding of the run, deepest first.

==========  ===================================================  =============
code        fix                                                  applicability
==========  ===================================================  =============
HLF001      ``x in [1, 2, 3]`` -> ``x in {1, 2, 3}`` (constants)   unsafe
HLF002      collect parts, ``"".join``                           display-only
HLF003      hoist to a module-level ``re.compile`` constant      safe
HLF004      iterate directly / ``enumerate``                     display-only
HLF005      ``sorted(x)[0]`` -> ``min(x)``                        unsafe
HLF006      bind the chain to a local before the loop            display-only
HLF007      move the try out of the inner loop                   display-only
HLF008      ``append`` loop -> list comprehension                unsafe
==========  ===================================================  =============
"""

from __future__ import annotations

import ast
from pathlib import Path

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat.model import ModuleRef, Project
from hlopt.debloat.slow_checks import Hit
from hlopt.debloat.slow_scan import scan

PREFIX = "HLF"
#: loop depth from which a finding is a warning rather than advice
WARNING_DEPTH = 2
#: advice whatever the depth: try/except costs nothing until something is raised
_ALWAYS_INFO = frozenset({"HLF007"})


def collect(tree: ast.Module, module: ModuleRef) -> list[Hit]:
    """Worker: the file's slow patterns."""
    return scan(tree, module.text)


def check(project: Project) -> list[Finding]:
    """HLF001-HLF008, ranked deepest loop first (``data.rank``, 1 = deepest)."""
    hits = [(m.path, h) for m, hits in project.facts(PREFIX) for h in hits]
    hits.sort(key=lambda ph: (-ph[1].depth, str(ph[0]), ph[1].line, ph[1].col))
    return [to_finding(path, h, rank) for rank, (path, h) in enumerate(hits, 1)]


def to_finding(path: Path, h: Hit, rank: int) -> Finding:
    info = h.depth < WARNING_DEPTH or h.code in _ALWAYS_INFO
    data: dict[str, object] = {**h.data, "loop_depth": h.depth, "rank": rank}
    if h.fixable:
        data.update(key=h.key, nth=h.nth, of=h.of)
    return Finding(h.code, h.message, path, h.line, h.col + 1,
                   Severity.INFO if info else Severity.WARNING,
                   Fix(h.title, Applicability(h.how)), None, h.end_line, h.end_col + 1, data)


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Apply the HLF001, HLF003, HLF005 and HLF008 fixes, found again by key and rank."""
    from hlopt.debloat.codemods.slow_fixes import rewrite

    return rewrite(text, findings, scan(ast.parse(text), text))


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """Fixed findings whose pattern is still in ``text``."""
    from hlopt.debloat.codemods.slow_fixes import left_over

    return left_over(findings, scan(tree, text))
