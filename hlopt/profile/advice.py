"""Advice per hot spot, with its evidence: nativize it, memoize it, unblock the event loop,
trim the start-up imports. Each piece of advice is an INFO finding naming the hlopt command.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.profile import memo as memo_pass
from hlopt.profile.hotspots import HotFunction
from hlopt.profile.model import (
    Frame,
    FunctionId,
    Profile,
    function_node,
    parse_file,
    resolve,
    source_line,
)
from hlopt.profile.nativizable import Verdict, judge

#: nativize advice needs this much self time
MIN_NATIVIZE_SHARE = 0.05
#: event-loop and import advice need this share of the run
MIN_BLOCKED_SHARE = 0.01
MIN_IMPORT_SHARE = 0.20
MIN_IMPORT_S = 0.05
_BLOCKING_LINE = re.compile(
    r"\btime\.sleep\(|\bsleep\(|\brequests\.\w+\(|\burlopen\(|\bsocket\.|\.recv\(|\.sendall\(|"
    r"\bsubprocess\.|\bos\.system\(|\bopen\(|\binput\(|\.read\(|\.write\(")
#: C functions that block, as pyinstrument names them
_BLOCKING_BUILTINS = frozenset({"sleep", "select", "poll", "recv", "recv_into", "send",
                                "sendall", "accept", "connect", "read", "write", "system"})
_BLOCKING_FILES = re.compile(r"[/\\](socket|subprocess|ssl|selectors)\.py$|[/\\]http[/\\]|"
                             r"[/\\]urllib[/\\]|[/\\](requests|urllib3)[/\\]")


@dataclass(frozen=True)
class Place:
    """How a finding names a file: relative to the working directory when inside it."""

    cwd: Path

    def path(self, file: str) -> Path | None:
        if not file or file.startswith("<") or file == "~":
            return None
        p = Path(file)
        try:
            return p.relative_to(self.cwd) if p.is_absolute() else p
        except ValueError:
            return p

    def spec(self, fid: FunctionId) -> str:
        """``path.py:Class.method``, what ``hlopt nativize`` takes."""
        return f"{self.path(fid.file)}:{fid.qualname}"


def nativize_verdict(h: HotFunction) -> Verdict | None:
    """Whether nativize could take a hot user function; None for other code."""
    fid = h.fid
    if fid.scope != "user" or not fid.is_python or fid.name.startswith("<"):
        return None
    if "<locals>" in fid.qualname:
        return Verdict(False, blockers=[(fid.line, "it is a nested function")])
    node = function_node(fid)
    if node is None:
        return None
    own = h.self_s / h.total_s if h.total_s else 0.0
    return judge(node, _module_functions(fid.file), own)


def nativize_finding(h: HotFunction, verdict: Verdict | None, place: Place) -> Finding | None:
    if verdict is None or not verdict.eligible or h.self_share < MIN_NATIVIZE_SHARE:
        return None
    spec = place.spec(h.fid)
    return Finding(
        "HLH002", f"`{h.fid.qualname}` can be compiled by nativize ({h.self_share:.1%} of the "
        f"run in its own code): {verdict.summary()}",
        place.path(h.fid.file), h.fid.line, None, Severity.INFO,
        Fix(f"Run `hlopt nativize {spec}`", Applicability.DISPLAY_ONLY),
        data={"qualname": h.fid.qualname, "target": spec, **verdict.to_dict()})


def memo_finding(h: HotFunction, stats: memo_pass.MemoStats | None,
                 place: Place) -> Finding | None:
    if stats is None or not memo_pass.fires(h, stats):
        return None
    size, _rate = stats.best_size()
    return Finding(
        "HLH003", f"`{h.fid.qualname}` repeats its arguments: {stats.sentence()}",
        place.path(h.fid.file), h.fid.line, None, Severity.INFO,
        Fix(f"Decorate `{h.fid.qualname}` with `@functools.lru_cache(maxsize={size})` if it "
            "is pure", Applicability.DISPLAY_ONLY),
        data={"qualname": h.fid.qualname, **stats.to_dict()})


def event_loop_findings(profile: Profile, place: Place) -> list[Finding]:
    """Lines caught in a blocking call while the asyncio event loop was running them."""
    total = profile.total_weight
    if not profile.samples or not total:
        return []
    blocked: Counter[tuple[FunctionId, int]] = Counter()
    for stack, weight in profile.samples:
        hit = _blocking_site(stack)
        if hit is not None:
            blocked[hit] += weight
    out = []
    for (fid, line), seconds in blocked.most_common():
        share = seconds / total
        if share < MIN_BLOCKED_SHARE:
            break
        text = source_line(fid.file, line)
        path = place.path(fid.file)
        out.append(Finding(
            "HLH004", f"a synchronous call in `{fid.qualname}` blocks the event loop for "
            f"{share:.1%} of the run ({seconds:.2f} s): `{text}`", path, line, None,
            Severity.INFO,
            Fix(f"Run `hlopt debloat --select HLA {path}`", Applicability.DISPLAY_ONLY),
            data={"qualname": fid.qualname, "share": round(share, 4),
                  "seconds": round(seconds, 4), "source": text}))
    return out


def _blocking_site(stack: tuple[Frame, ...]) -> tuple[FunctionId, int] | None:
    if not any(f.name.endswith("_run") for f in stack):  # cheap: most samples never are
        return None
    fids = [resolve(f) for f in stack]
    loop = next((i for i, fid in enumerate(fids) if fid.qualname == "Handle._run"
                 and fid.file.endswith("events.py")), None)
    if loop is None:
        return None
    user = [i for i in range(loop + 1, len(stack)) if fids[i].scope == "user"]
    if not user:
        return None
    i = user[-1]
    below = stack[i + 1:]
    if any(_BLOCKING_FILES.search(f.file) or
           (f.file.startswith("<built-in") and f.name in _BLOCKING_BUILTINS) for f in below):
        return fids[i], stack[i].line
    if not below and _BLOCKING_LINE.search(source_line(stack[i].file, stack[i].line)):
        return fids[i], stack[i].line
    return None


def import_finding(profile: Profile, ranked: list[HotFunction], place: Place,
                   entry: str | None) -> Finding | None:
    """Advice when importing modules dominates the run."""
    total = profile.total_weight
    if not total:
        return None
    seconds, modules = _import_time(profile, ranked)
    share = seconds / total
    if share < MIN_IMPORT_SHARE or seconds < MIN_IMPORT_S:
        return None
    top = ", ".join(f"`{m}` {s:.2f} s" for m, s in modules[:3])
    entry_path = place.path(entry) if entry else None
    select = f"hlopt debloat --select HLS --entry {entry_path}" if entry_path else \
        "hlopt debloat --select HLS"
    return Finding(
        "HLH005", f"imports take {share:.0%} of the run ({seconds:.2f} s): {top}",
        entry_path, 1 if entry_path else None, None, Severity.INFO,
        Fix(f"Run `{select}`", Applicability.DISPLAY_ONLY),
        data={"share": round(share, 4), "seconds": round(seconds, 4),
              "modules": [{"module": m, "seconds": round(s, 4)} for m, s in modules[:10]]})


def _import_time(profile: Profile, ranked: list[HotFunction]) -> tuple[float, list]:
    if profile.exact:
        imp = max((h.total_s for h in ranked if h.fid.name == "_find_and_load"), default=0.0)
        mods = [(module_name(h.fid.file), h.total_s) for h in ranked
                if h.fid.name == "<module>" and h.fid.scope != "user"]
        return imp, sorted(mods, key=lambda m: -m[1])
    seconds = 0.0
    per_module: Counter[str] = Counter()
    for stack, weight in profile.samples:
        start = next((i for i, f in enumerate(stack) if f.name == "_find_and_load"), None)
        if start is None:
            continue
        seconds += weight
        mod = next((f for f in stack[start:] if f.name == "<module>"), None)
        per_module[module_name(mod.file) if mod else "?"] += weight
    return seconds, per_module.most_common()


def module_name(file: str) -> str:
    """``.../site-packages/pkg/sub/__init__.py`` -> ``pkg.sub``."""
    parts = re.split(r"[/\\]", file)
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            parts = parts[len(parts) - parts[::-1].index(marker):]
            break
    else:
        m = re.search(r"[/\\]lib[/\\]python\d+(\.\d+)?[/\\](.*)$", file)
        parts = re.split(r"[/\\]", m.group(2)) if m else parts[-1:]
    if parts and parts[-1] == "__init__.py":
        parts = parts[:-1]
    elif parts:
        parts[-1] = parts[-1].removesuffix(".py")
    return ".".join(p for p in parts if p) or file


def _module_functions(file: str) -> set[str]:
    tree = parse_file(file)
    if tree is None:
        return set()
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
