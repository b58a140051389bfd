"""The start-up imports family (HLS): which project module pulls in which heavy dependency.

Only with an entry module (``--entry pkg``, ``[tool.hlopt] entry``) and HLS named in
``--select`` (measuring runs the program's own import-time code): ``check`` imports it
under ``python -X importtime`` in the target's interpreter (``startup_measure``), and for
every module a project module imports whose cumulative time is at least
``startup-threshold-ms`` (default 10) it reports the chain (``app -> app.net -> asyncio
17 ms -> ssl 12 ms``) and what the importing module does with the name
(``startup_usage``):

=======  ============================================  ========  =========================
code     what                                          severity  fix
=======  ============================================  ========  =========================
HLS001   heavy import read only inside 1-3 functions   warning   unsafe: move the import
                                                                 into them (``lazy import``
                                                                 on Python 3.15+)
HLS002   heavy import needed at import time            info      none
HLS003   the entry module fails to import              warning   none
=======  ============================================  ========  =========================

The measured start-up time is the metric "startup import time"; after ``--fix
--unsafe-fixes`` it is measured again.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat.model import ModuleInfo, ModuleRef, Project
from hlopt.debloat.startup_measure import ImportFailure, Measurement, Node, measure
from hlopt.debloat.startup_usage import Facts, ImportStmt, analyse

PREFIX = "HLS"
THRESHOLD_MS = 10.0
RUNS = 5
#: a heavy import read in more functions than this is left where it is
MAX_FUNCTIONS = 3
#: the first Python with ``lazy import`` (PEP 810)
LAZY_VERSION = (3, 15)


def collect(tree: ast.Module, module: ModuleRef) -> Facts:
    """Worker: the module's top-level imports and where their names are read."""
    return analyse(tree, module.text, module.name, module.is_package)


def check(project: Project) -> list[Finding]:
    """Measure each entry's import and report its heavy imports (nothing without entries)."""
    if not project.options.entry or not _selected(project):
        return []
    from hlopt.core.run import find_interpreter

    python = find_interpreter(project.root)
    threshold = float(project.config.get("startup-threshold-ms", THRESHOLD_MS, "debloat"))
    runs = max(int(project.config.get("startup-runs", RUNS, "debloat")), 1)
    out: list[Finding] = []
    entries = [_entry_module(e, project) for e in project.options.entry]
    for name, root in dict(entries).items():
        result = measure(python, name, project.root, root, runs)
        if isinstance(result, ImportFailure):
            out.append(_failed(name, result))
            continue
        key = "startup import time" if len(entries) == 1 else f"startup import time ({name})"
        project.measured[key] = ("ms", round(result.total_ms, 2))
        out.extend(_Checker(project, result, threshold).findings())
    return out


def _selected(project: Project) -> bool:
    """Named in --select (or ``select``): measuring runs the program's imports, its code."""
    from hlopt.core import rules

    o = project.options
    named = any(s.upper().startswith("HLS") for s in o.select or ())
    return named and any(rules.is_selected(c, o.select, o.ignore)
                         for c in ("HLS001", "HLS002", "HLS003"))


def _entry_module(entry: str, project: Project) -> tuple[str, Path | None]:
    """(module to import, directory to put on sys.path) for an --entry value."""
    from hlopt.debloat.scan import module_name_for

    spec = entry.split(":", 1)[0].strip()
    if spec.endswith(".py") or "/" in spec or Path(spec).is_file():
        path = Path(spec) if Path(spec).is_absolute() else (project.root / spec)
        if not path.exists():
            path = Path(spec)
        name, is_package = module_name_for(path)
        return name, _path_root(path.resolve(), name, is_package)
    m = project.by_name.get(spec)
    if m is None:
        return spec, None
    return spec, _path_root(m.path.resolve(), spec, m.is_package)


def _path_root(path: Path, name: str, is_package: bool) -> Path:
    up = name.count(".") + (1 if is_package else 0)
    root = path.parent
    for _ in range(up):
        root = root.parent
    return root


def _failed(entry: str, f: ImportFailure) -> Finding:
    where = f" ({f.file}:{f.line})" if f.file else ""
    return Finding("HLS003", f"entry module `{entry}` fails to import: {f.message}{where}",
                   Path(f.file) if f.file else None, f.line, None, Severity.WARNING,
                   data={"entry": entry, "error": f.message, "file": f.file, "line": f.line})


@dataclass
class _Edge:
    importer: ModuleInfo
    chain: tuple[str, ...]
    node: Node


class _Checker:
    """Findings of one entry's measurement."""

    def __init__(self, project: Project, m: Measurement, threshold: float) -> None:
        self.project, self.m, self.threshold = project, m, threshold
        self.lazy = m.version >= LAZY_VERSION and sys.version_info >= LAZY_VERSION

    def edges(self) -> list[_Edge]:
        seen, out = set(), []
        for root in self.m.roots:
            for chain, node in root.walk():
                importer = self.project.by_name.get(chain[-1]) if chain else None
                if importer is None or node.cum_ms < self.threshold or \
                        (importer.name, node.name) in seen:
                    continue
                seen.add((importer.name, node.name))
                out.append(_Edge(importer, chain, node))
        return out

    def findings(self) -> list[Finding]:
        return [self.finding(e) for e in self.edges()]

    def finding(self, e: _Edge) -> Finding:
        chain = render_chain(e.chain, e.node)
        facts: Facts | None = e.importer.facts.get(PREFIX)
        stmt = _statement(facts, e.node.name) if facts is not None else None
        data: dict[str, Any] = {"module": e.node.name, "importer": e.importer.name,
                                "cum_ms": round(e.node.cum_ms, 2),
                                "self_ms": round(e.node.self_ms, 2), "chain": chain}
        cost = f"`{e.node.name}` costs {e.node.cum_ms:.0f} ms at start-up ({chain})"
        if stmt is None or facts is None:
            data["reason"] = "no top-level import statement of it (conditional or indirect)"
            return self._info(e, None, cost, data)
        funcs, why = self.movable(e.importer, facts, stmt)
        if why:
            data["reason"] = why
            return self._info(e, stmt, cost, data)
        data.update(stmt_line=stmt.line, stmt_source=stmt.source, functions=funcs,
                    lazy=self.lazy)
        if self.lazy:
            title = f"Make it `lazy {stmt.source}`"
        else:
            title = f"Move `{stmt.source}` into " + ", ".join(f"`{f}`" for f in funcs)
        used = ", ".join(f"`{f}`" for f in funcs)
        return Finding("HLS001", f"{cost}; `{e.importer.name}` uses it only in {used}",
                       e.importer.path, stmt.line, 1, Severity.WARNING,
                       Fix(title, Applicability.UNSAFE), data=data)

    def _info(self, e: _Edge, stmt: ImportStmt | None, cost: str,
              data: dict[str, Any]) -> Finding:
        return Finding("HLS002", f"{cost}; `{e.importer.name}` needs it: {data['reason']}",
                       e.importer.path, stmt.line if stmt else 1, 1 if stmt else None,
                       Severity.INFO, data=data)

    def movable(self, importer: ModuleInfo, facts: Facts,
                stmt: ImportStmt) -> tuple[list[str], str]:
        """(functions to move the import into, "") or ([], why it cannot move)."""
        outside = self.project.imported_from.get(importer.name, set())
        funcs: set[str] = set()
        for name in stmt.bindings:
            if name in facts.module_level:
                return [], f"`{name}` is read at import time"
            if name in facts.rebound:
                return [], f"`{name}` is bound again in the module"
            if name in facts.exported or name in outside:
                return [], f"`{name}` is imported from `{importer.name}` by other code"
            funcs |= facts.functions.get(name, set())
        if not funcs:
            return [], "the import binds no name the module reads (see HLI001)"
        if len(funcs) > MAX_FUNCTIONS and not self.lazy:
            return [], f"it is read in {len(funcs)} functions"
        return sorted(funcs), ""


def _statement(facts: Facts, module: str) -> ImportStmt | None:
    """The top-level statement that brings ``module`` in."""
    def brings(target: tuple[str, str | None]) -> bool:
        base, name = target
        cands = [base] + ([f"{base}.{name}"] if name else [])
        return any(c == module or c.startswith(module + ".") for c in cands)

    exact = [s for s in facts.statements if any(brings(t) for t in s.bindings.values())]
    return exact[0] if exact else None


def render_chain(chain: tuple[str, ...], node: Node) -> str:
    """``app -> app.net -> asyncio 17 ms -> ssl 12 ms``: the path down to where the time is."""
    hops = [f"{node.name} {node.cum_ms:.0f} ms"]
    while node.children:
        heavy = max(node.children, key=lambda c: c.cum_ms)
        if heavy.cum_ms < 0.5 * node.cum_ms:
            break
        hops.append(f"{heavy.name} {heavy.cum_ms:.0f} ms")
        node = heavy
    return " -> ".join([*chain, *hops])


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Move each HLS001 import into its functions (or make it lazy)."""
    from hlopt.debloat.startup_fix import move_imports

    moves = [(int(f.data["stmt_line"]), str(f.data["stmt_source"]), list(f.data["functions"]),
              bool(f.data["lazy"])) for f in findings
             if f.code == "HLS001" and f.data and "stmt_line" in f.data]
    return move_imports(text, moves) if moves else text


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """HLS001 imports still at the top of the module."""
    top = {ast.get_source_segment(text, s) for s in tree.body
           if isinstance(s, ast.Import | ast.ImportFrom)}
    return [f"`{f.data['stmt_source']}` is still at module level" for f in findings
            if f.code == "HLS001" and f.data and not f.data.get("lazy")
            and f.data.get("stmt_source") in top]
