"""Turn a profile into the report: hot spots, advice, the program's exit, metrics, a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hlopt.core.report import Finding, Metric, Report, Severity
from hlopt.profile import advice
from hlopt.profile.advice import Place
from hlopt.profile.hotspots import HotFunction, hot_spots
from hlopt.profile.memo import MemoStats
from hlopt.profile.model import FunctionId, Profile
from hlopt.profile.nativizable import Verdict
from hlopt.profile.options import Options
from hlopt.profile.target import Target


def build_report(options: Options, target: Target, profile: Profile,
                 ranked: list[HotFunction], memo: dict[FunctionId, MemoStats],
                 notes: list[str], cwd: Path) -> Report:
    """The report of one profiled run."""
    place = Place(cwd)
    hot = hot_spots(ranked, options.top)
    findings: list[Finding] = []
    for h in hot:
        verdict = advice.nativize_verdict(h)
        stats = memo.get(h.fid)
        if stats is not None and h.calls is None:
            h.calls, h.calls_source = stats.calls, "traced"
        findings.append(hot_finding(h, verdict, stats, place, options, profile))
        findings += [f for f in (advice.nativize_finding(h, verdict, place),
                                 advice.memo_finding(h, stats, place)) if f]
    hot_ids = {h.fid for h in hot}
    for h in ranked:  # memoizable functions whose time is in their callees
        if h.fid in memo and h.fid not in hot_ids:
            f = advice.memo_finding(h, memo[h.fid], place)
            if f:
                findings.append(f)
    findings += advice.event_loop_findings(profile, place)
    entry = target.value if target.kind == "script" else None
    imports = advice.import_finding(profile, ranked, place, entry)
    if imports:
        findings.append(imports)
    failure = failure_finding(profile, place)
    if failure:
        findings.append(failure)
    report = Report("profile", target.display, findings, run_metrics(profile))
    report.notes = [*header(profile), *table(hot, place), *notes]
    if options.lines:
        report.notes += line_notes(hot, profile)
    return report


def hot_finding(h: HotFunction, verdict: Verdict | None, stats: MemoStats | None,
                place: Place, options: Options, profile: Profile) -> Finding:
    fid = h.fid
    calls = f", {h.calls:,} call{'s' if h.calls != 1 else ''}" if h.calls is not None else ""
    where = "" if fid.scope == "user" else f" ({fid.scope})"
    message = (f"#{h.rank} `{fid.qualname}`{where}: {h.self_share:.1%} of the run in its own "
               f"code, {h.total_share:.1%} with what it calls{calls}")
    if verdict is not None and not verdict.eligible and h.self_share >= 0.05:
        message += f"; nativize: {verdict.summary()}"
    return Finding("HLH001", message, place.path(fid.file), fid.line or None, None,
                   Severity.INFO, data=hot_data(h, verdict, stats, place, options, profile))


def hot_data(h: HotFunction, verdict: Verdict | None, stats: MemoStats | None, place: Place,
             options: Options, profile: Profile) -> dict[str, Any]:
    """The ``data`` of an HLH001 finding (documented in docs/profile.md)."""
    fid = h.fid
    path = place.path(fid.file)
    return {
        "qualname": fid.qualname, "name": fid.name,
        "file": str(path) if path is not None else fid.file, "line": fid.line or None,
        "scope": fid.scope, "rank": h.rank,
        "self_share": round(h.self_share, 4), "total_share": round(h.total_share, 4),
        "self_s": round(h.self_s, 6), "total_s": round(h.total_s, 6),
        "calls": h.calls, "calls_source": h.calls_source,
        "target": place.spec(fid) if fid.scope == "user" and fid.is_python else None,
        "top_lines": h.top_lines() if options.lines and h.lines else None,
        "nativize": verdict.to_dict() if verdict is not None else None,
        "memo": stats.to_dict() if stats is not None else None,
        "engine": profile.engine, "mode": profile.mode,
    }


def failure_finding(profile: Profile, place: Place) -> Finding | None:
    """HLH006 when the program failed on its own (not when hlopt stopped it)."""
    ex = profile.exit
    if ex.stopped or not ex.code:
        return None
    where = ex.where or {}
    what = f": {ex.exception}" if ex.exception else ""
    return Finding("HLH006", f"the program exited with status {ex.code}{what}; the profile "
                   "covers the run up to there", place.path(str(where.get("file") or "")),
                   where.get("line"), None, Severity.WARNING,
                   data={"exit_status": ex.code, "exception": ex.exception,
                         "function": where.get("function")})


def run_metrics(profile: Profile) -> list[Metric]:
    metrics = [Metric("wall time", "s", round(profile.wall_s, 4), None)]
    if profile.cpu_s is not None:
        metrics.append(Metric("cpu time", "s", round(profile.cpu_s, 4), None))
    metrics.append(Metric("profiled time", "s", round(profile.total_weight, 4), None))
    if profile.samples:
        metrics.append(Metric("samples", "", float(len(profile.samples)), None))
    return metrics


def header(profile: Profile) -> list[str]:
    how = "exact call counts" if profile.exact else (
        f"{len(profile.samples):,} samples every {profile.interval_s * 1000:g} ms"
        if profile.interval_s else f"{len(profile.samples):,} samples")
    lines = [f"{profile.engine}, {profile.mode} mode, {how}; the program ran "
             f"{profile.wall_s:.2f} s"]
    if profile.exit.stopped:
        lines.append("hlopt stopped the program (--duration or Ctrl-C); the profile covers "
                     "the run until then")
    if not profile.total_weight:
        lines.append("nothing was recorded: the program ended before the first sample "
                     "(raise --rate, or use --engine cprofile)")
    return lines


def table(hot: list[HotFunction], place: Place) -> list[str]:
    if not hot:
        return []
    rows = [f"{'rank':>4}  {'self%':>6}  {'total%':>6}  {'calls':>10}  function  (location)"]
    for h in hot:
        calls = f"{h.calls:,}" if h.calls is not None else "-"
        path = place.path(h.fid.file)
        loc = h.fid.scope if path is None else f"{path}:{h.fid.line}" if h.fid.line else path
        rows.append(f"{h.rank:>4}  {h.self_share * 100:>6.1f}  {h.total_share * 100:>6.1f}  "
                    f"{calls:>10}  {h.fid.qualname}  ({loc})")
    return rows


def line_notes(hot: list[HotFunction], profile: Profile) -> list[str]:
    if profile.exact:
        return ["--lines: cProfile records functions, not lines; use py-spy or pyinstrument"]
    out = []
    for h in hot:
        if h.fid.scope != "user" or not h.lines:
            continue
        out.append(f"hottest lines of {h.fid.qualname}:")
        for ln in h.top_lines():
            out.append(f"  {ln['line']:>5}  {float(ln['total_share']) * 100:5.1f}%  "
                       f"{ln['source']}")
    return out
