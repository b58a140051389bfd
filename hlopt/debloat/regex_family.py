"""The regular-expressions family (HLR): ReDoS confirmed by running, bad patterns, str methods.

``collect`` (a worker process) finds each file's regex calls (``regex_scan``), compiles
every constant pattern, looks for catastrophic-backtracking shapes (``regex_redos``) and
times the suspicious ones on attack strings (``regex_confirm``), each match under the
``regex`` module's timeout and each file under ``FILE_BUDGET_S``. ``check`` turns the
facts into findings:

=======  =================================================  ========  ===================
code     what                                               severity  fix
=======  =================================================  ========  ===================
HLR001   backtracking confirmed (a timeout or super-linear  warning   display-only advice
         growth on attack strings)
HLR001   nested/alternation shape, growth not confirmed     info      display-only advice
HLR002   the pattern does not compile                       error     none
HLR003   a plain literal where a str method does the same   warning   unsafe
HLR004   pattern built at run time inside a hot function    info      none
=======  =================================================  ========  ===================

An ``adjacent`` shape (``\\s*x?\\s*``, polynomial) is reported only when confirmed. A
pattern built at run time is never evaluated or guessed; it is reported (HLR004) only
inside a hot function of ``--profile``.
"""

from __future__ import annotations

import ast
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.debloat import hotspots
from hlopt.debloat.model import ModuleRef, Project
from hlopt.debloat.regex_scan import Call, find_calls

PREFIX = "HLR"
#: what confirming one file's patterns may spend (the rest stay static-only, INFO)
FILE_BUDGET_S = 2.0
_MODES = {"match": "match", "fullmatch": "fullmatch"}
#: (module, pattern, flags, mode) -> the growth measured in this worker (patterns repeat)
_CACHE: dict[tuple[str, str | bytes, int, str], dict[str, Any] | None] = {}


@dataclass
class Site:
    """One call and what running its pattern showed."""

    call: Call
    #: ("message", position) when the pattern does not compile
    error: tuple[str, int | None] | None = None
    #: the worst attack's ``Growth.to_dict()``; None when the pattern looks safe
    growth: dict[str, Any] | None = None


@dataclass
class Facts:
    sites: list[Site] = field(default_factory=list)


def collect(tree: ast.Module, module: ModuleRef) -> Facts:
    """Worker: the file's regex calls, compiled, analysed and (within budget) run."""
    deadline = time.process_time() + FILE_BUDGET_S
    facts = Facts()
    for call in find_calls(tree, module.text):
        site = Site(call)
        if call.pattern is not None and call.flags is not None:
            site.error = _compile_error(call)
            if site.error is None:
                site.growth = _growth(call, deadline)
        facts.sites.append(site)
    return facts


def _compile_error(call: Call) -> tuple[str, int | None] | None:
    assert call.pattern is not None and call.flags is not None
    if call.module == "regex":
        import regex

        try:
            regex.compile(call.pattern, call.flags)
        except regex.error as exc:
            return str(exc).split(" at position")[0], getattr(exc, "pos", None)
        except (TypeError, ValueError) as exc:
            return str(exc), None
        return None
    try:
        with warnings.catch_warnings():  # "possible nested set": the user's concern, not ours
            warnings.simplefilter("ignore")
            re.compile(call.pattern, call.flags)
    except re.error as exc:
        return exc.msg, exc.pos
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        return str(exc), None
    return None


def _growth(call: Call, deadline: float) -> dict[str, Any] | None:
    from hlopt.debloat.regex_confirm import confirm
    from hlopt.debloat.regex_redos import find_attacks

    assert call.pattern is not None and call.flags is not None
    mode = _MODES.get(call.func, "search")
    key = (call.module, call.pattern, call.flags, mode)
    if key in _CACHE:
        return _CACHE[key]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            attacks = find_attacks(call.pattern, call.flags)
    except (re.error, RecursionError, TypeError, ValueError, OverflowError):
        attacks = []  # regex-module syntax the re parser does not know: not analysed
    if not attacks:
        _CACHE[key] = None
        return None
    budget = deadline - time.process_time()
    growth = confirm(call.pattern, call.flags, attacks, mode, min(budget, 0.6)) \
        if budget > 0 else None
    result = growth.to_dict() if growth is not None else {
        **attacks[0].to_dict(), "confirmed": False, "steps": [], "mode": mode,
        "suffix": "", "error": "not run: the file's time budget was spent"}
    if growth is not None:
        _CACHE[key] = result
    return result


def check(project: Project) -> list[Finding]:
    """HLR001-HLR004 over every file."""
    spots = hotspots.load(project.options.profile, project.root) \
        if project.options.profile else []
    out: list[Finding] = []
    for m, facts in project.facts(PREFIX):
        for site in facts.sites:
            out.extend(_findings(m.path, site, spots))
    return out


def _findings(path: Path, site: Site, spots: list[hotspots.HotSpot]) -> list[Finding]:
    c = site.call
    where = dict(path=path, line=c.line, col=c.col, end_line=c.end_line, end_col=c.end_col)
    if c.pattern is None:
        spot = hotspots.spot_at(spots, path, c.line)
        if spot is None:
            return []
        return [Finding("HLR004", f"`{c.module}.{c.func}` pattern built at run time: unknown, "
                        "not checked for catastrophic backtracking", severity=Severity.INFO,
                        data={"function": c.func, "module": c.module}, **where)]
    if site.error is not None:
        msg, pos = site.error
        at = f" at position {pos}" if pos is not None else ""
        return [Finding("HLR002", f"invalid regular expression {_show(c.pattern)}: {msg}{at}",
                        severity=Severity.ERROR,
                        data={"pattern": _json(c.pattern), "error": msg, "position": pos},
                        **where)]
    out = []
    if site.growth is not None:
        f = _backtracking(c, site.growth, where)
        if f is not None:
            out.append(f)
    if c.replacement:
        out.append(_str_method(c, where))
    return out


def _backtracking(c: Call, g: dict[str, Any], where: dict[str, Any]) -> Finding | None:
    shape = {"nested": "nested quantifiers", "alternation": "overlapping alternation",
             "adjacent": "adjacent overlapping quantifiers"}[g["kind"]]
    steps = g["steps"]
    measured = ", ".join(_step(s) for s in steps[-4:])
    advice = Fix(f"Rewrite `{g['where']}` so each character can match one way only "
                 "(an atomic group `(?>...)` or a possessive quantifier `*+`, `++`)",
                 Applicability.DISPLAY_ONLY)
    data = {"pattern": _json(c.pattern), "growth": g}
    if g["confirmed"]:
        return Finding("HLR001", f"catastrophic backtracking in {_show(c.pattern)} ({shape} "
                       f"`{g['where']}`): {measured}", severity=Severity.WARNING,
                       fix=advice, data=data, **where)
    if g["kind"] == "adjacent":
        return None
    why = g.get("error") or (f"attack strings ran in linear time ({measured})" if steps
                             else "not run")
    return Finding("HLR001", f"possible catastrophic backtracking in {_show(c.pattern)} "
                   f"({shape} `{g['where']}`), not confirmed: {why}",
                   severity=Severity.INFO, fix=advice, data=data, **where)


def _step(s: dict[str, Any]) -> str:
    from hlopt.debloat.regex_confirm import MATCH_TIMEOUT_S, _ms

    if s["timed_out"]:
        return f"{s['length']} chars timeout ({MATCH_TIMEOUT_S:g} s)"
    return f"{s['length']} chars {_ms(s['seconds'])}"


_METHOD = {"match": "str.startswith", "search": "the `in` operator",
           "fullmatch": "`==`", "sub": "str.replace"}


def _str_method(c: Call, where: dict[str, Any]) -> Finding:
    fix = Fix(f"Replace with `{c.replacement}`", Applicability.UNSAFE)
    return Finding("HLR003", f"`{c.module}.{c.func}` with the plain pattern {_show(c.pattern)}:"
                   f" {_METHOD[c.func]} does the same without the regex engine",
                   severity=Severity.WARNING, fix=fix,
                   data={"replacement": c.replacement, "source": c.source,
                         "reason": "a subject that is not a str (or bytes) raises "
                                   "AttributeError instead of TypeError"}, **where)


def _show(pattern: str | bytes | None) -> str:
    text = repr(pattern)
    return f"`{text[:57]}...`" if len(text) > 60 else f"`{text}`"


def _json(pattern: str | bytes | None) -> str | None:
    if isinstance(pattern, bytes):
        return pattern.decode("latin-1")
    return pattern


def fix(text: str, path: Path, findings: list[Finding]) -> str:
    """Replace each HLR003 call that still reads as analysed with its str method."""
    from hlopt.debloat.regex_fix import replace_calls

    edits = {(f.line, f.col): (str(f.data["source"]), str(f.data["replacement"]))
             for f in findings if f.code == "HLR003" and f.data and f.line and f.col}
    return replace_calls(text, edits) if edits else text


def remaining(text: str, tree: ast.Module, findings: list[Finding]) -> list[str]:
    """HLR003 calls a fix was meant to replace that are still there."""
    left = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for f in findings:
                if f.code == "HLR003" and f.data and (node.lineno, node.col_offset + 1) == \
                        (f.line, f.col) and ast.get_source_segment(text, node) == f.data["source"]:
                    left.append(f"`{f.data['source']}` is still there")
    return left
