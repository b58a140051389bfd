"""The async family (HLA): what blocks the event loop, directly or through project calls.

``collect`` (``async_scan``) summarises each file's functions and finds what the file alone
shows: a blocking call inside ``async def`` (HLA001), ``asyncio.get_event_loop()`` in a
coroutine (HLA003), a task created and dropped (HLA004), ``asyncio.run`` /
``run_until_complete`` inside a coroutine (HLA005). ``check`` builds the project's call
graph (``async_graph``) and reports each call from a coroutine to a synchronous project
function that blocks at any depth (HLA002), with the chain in the message.

==========  ==============================================  =====================
code        fix                                             applicability
==========  ==============================================  =====================
HLA001      ``time.sleep(x)`` -> ``await asyncio.sleep(x)``  unsafe (only that one)
HLA001      other APIs: suggested replacement               display-only
HLA002      run the chain in ``asyncio.to_thread``          display-only
HLA003      ``get_event_loop`` -> ``get_running_loop``      safe (attribute form)
HLA004      keep a reference / TaskGroup                    display-only
HLA005      ``await`` the coroutine                         display-only
==========  ==============================================  =====================
"""

from __future__ import annotations

import ast
from pathlib import Path

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat.async_apis import suggestion
from hlopt.debloat.async_graph import CallGraph
from hlopt.debloat.async_scan import Facts, Func, Local, scan
from hlopt.debloat.model import ModuleInfo, ModuleRef, Project

PREFIX = "HLA"

_MESSAGES = {
    "HLA001": "`{api}()` blocks the event loop inside `async def {func}`",
    "HLA003": "`asyncio.get_event_loop()` inside `async def {func}`: "
              "the running loop is what is meant",
    "HLA004": "task created by `{api}()` is dropped: it may be garbage-collected before "
              "it finishes",
    "HLA005": "`{api}()` inside `async def {func}`: it fails while the loop is running",
}


def collect(tree: ast.Module, module: ModuleRef) -> Facts:
    """Worker: the module's function summaries and its file-local findings."""
    return scan(tree, module.name, module.is_package)


def check(project: Project) -> list[Finding]:
    """HLA001-HLA005 over the whole tree."""
    modules = list(project.facts(PREFIX))
    out = [local_finding(m.path, loc) for m, facts in modules for loc in facts.locals]
    if any(facts.has_async for _, facts in modules):
        out.extend(transitive(modules))
    return out


def transitive(modules: list[tuple[ModuleInfo, Facts]]) -> list[Finding]:
    """HLA002: calls from coroutines to sync project functions that block."""
    graph = CallGraph((m.name, facts) for m, facts in modules)
    graph.solve()
    out: list[Finding] = []
    for m, facts in modules:
        for func in facts.funcs:
            if func.is_async:
                out.extend(_chain_finding(m, func, site, graph.chain(key))
                           for site, key in graph.blocking_calls(m.name, func))
    return out


def _chain_finding(m: ModuleInfo, func: Func, site: object, chain: list[str]) -> Finding:
    text = " -> ".join([f"async {func.qual}()", *chain])
    first = chain[0][:-2]
    message = f"`{first}()` blocks the event loop through project calls: {text}"
    fix = Fix(f"Run it in a thread: `await asyncio.to_thread({first.rsplit('.', 1)[-1]}, "
              f"...)`, or make the chain async", Applicability.DISPLAY_ONLY)
    line, col = site.line, site.col  # type: ignore[attr-defined]
    return Finding("HLA002", message, m.path, line, col, Severity.WARNING, fix, None,
                   site.end_line, site.end_col,  # type: ignore[attr-defined]
                   {"chain": [f"async {func.qual}()", *chain], "depth": len(chain) - 1,
                    "function": func.qual, "api": chain[-1][:-2]})


def local_finding(path: Path, loc: Local) -> Finding:
    msg = _MESSAGES[loc.code].format(api=loc.api, func=loc.func)
    severity = Severity.ERROR if loc.code == "HLA005" else Severity.WARNING
    s = loc.site
    return Finding(loc.code, msg, path, s.line, s.col, severity, _fix(loc), None,
                   s.end_line, s.end_col,
                   {"api": loc.api, "function": loc.func, "key": loc.key, "nth": loc.nth,
                    "of": loc.of})


def _fix(loc: Local) -> Fix:
    display = Applicability.DISPLAY_ONLY
    if loc.code == "HLA001":
        if loc.fixable:
            return Fix("Replace with `await asyncio.sleep(...)`", Applicability.UNSAFE)
        return Fix(f"Use {suggestion(loc.api)}", display)
    if loc.code == "HLA003":
        how = Applicability.SAFE if loc.fixable else display
        return Fix("Replace with `asyncio.get_running_loop()`", how)
    if loc.code == "HLA004":
        return Fix("Keep a reference to the task (a set, discarded in a done callback), "
                   "or create it in an `asyncio.TaskGroup`", display)
    return Fix("`await` the coroutine instead", display)


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Apply HLA001 (``time.sleep``) and HLA003 fixes, found again by key and rank."""
    from hlopt.debloat.codemods.slow_fixes import rewrite

    return rewrite(text, findings, _current(text))


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """Fixed findings whose code is still in ``text``."""
    from hlopt.debloat.codemods.slow_fixes import left_over

    return left_over(findings, scan(tree, "", False).locals)


def _current(text: str) -> list[Local]:
    return scan(ast.parse(text), "", False).locals
