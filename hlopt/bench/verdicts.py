"""Turn results into the report's findings (HLB verdicts) and metrics, with readable units."""

from __future__ import annotations

import math
from pathlib import Path

from hlopt.bench.model import METRICS, SPEED, Result
from hlopt.bench.stats import median
from hlopt.core.report import Finding, Metric, Severity

#: relative spread between rounds above which a time metric is called noisy (HLB005)
NOISY = 0.05
_TIME_UNITS = ((1e-6, "ns", 1e9), (1e-3, "us", 1e6), (1.0, "ms", 1e3))
_BYTE_UNITS = ((2**20, "KiB", 2**-10), (2**30, "MiB", 2**-20))


def scale(value: float, unit: str) -> tuple[float, str]:
    """A factor and a unit that make ``value`` (in ``unit``) readable: 1.2e-5 s -> us."""
    if unit == "s":
        for limit, name, factor in _TIME_UNITS:
            if abs(value) < limit:
                return factor, name
        return 1.0, "s"
    if unit == "B":
        for limit, name, factor in _BYTE_UNITS:
            if abs(value) < limit:
                return factor, name
        return 2**-30, "GiB"
    return 1.0, unit


def show(value: float, unit: str) -> str:
    """``12.3 us``, ``48.1 MiB``, ``560,801 instructions``."""
    factor, name = scale(value, unit)
    scaled = value * factor
    text = f"{scaled:,.0f}" if abs(scaled) >= 1000 else f"{scaled:.3g}"
    return f"{text} {name}"


def to_metric(r: Result, multi: bool) -> Metric:
    """The report metric of a result: medians in a readable unit, the estimate and its CI.

    For paired rounds the ratio is the median of per-round ratios, which need not equal
    the ratio of the two medians (machine noise moves the medians, the pairs cancel it).
    """
    reference = median(r.before) if r.before else median(r.after)
    factor, unit = scale(reference, r.kind.unit)
    unit = "" if r.metric == "instructions" else unit  # the name says it
    est = r.estimate
    return Metric(
        name=f"{r.benchmark}: {r.kind.title}" if multi else r.kind.title, unit=unit,
        before=median(r.before) * factor if r.before else None,
        after=median(r.after) * factor, better="lower",
        ci=est.ci if est else None, significant=est.significant if est else None,
        estimate=est.ratio if est and r.design == "paired" and math.isfinite(est.ratio)
        else None,
    )


def to_findings(r: Result, gate: float | None) -> list[Finding]:
    """The verdict finding of one result, and an HLB005 when its rounds are noisy."""
    path, line = (Path(r.source[0]), r.source[1]) if r.source else (None, None)
    code, severity, message = verdict(r, gate)
    found = [Finding(code, message, path, line, None, severity, data=r.to_data())]
    spread = noise(r)
    if spread is not None and spread > NOISY and r.metric in ("wall", "cpu"):
        found.append(Finding("HLB005", f"{r.benchmark}: {r.kind.title} varies by "
                             f"{spread:.1%} between rounds; differences smaller than that "
                             "are hard to see", path, line, None, Severity.INFO,
                             data={"benchmark": r.benchmark, "metric": r.metric,
                                   "spread": spread}))
    return found


def verdict(r: Result, gate: float | None) -> tuple[str, Severity, str]:
    est = r.estimate
    title = r.kind.title
    if est is None or r.before is None:
        s = r.summary("after")
        assert s is not None
        return "HLB004", Severity.INFO, (
            f"{r.benchmark}: {title} {show(s.median, r.kind.unit)} (median of {s.n} "
            f"round{'s' if s.n != 1 else ''}, MAD {s.rel_spread:.1%})")
    detail = _detail(r)
    if est.verdict in ("slower", "faster"):
        worse = est.verdict == "slower"
        message = f"{r.benchmark}: {_change(r.metric, worse, abs(est.ratio - 1))} ({detail})"
        if not worse:
            return "HLB002", Severity.INFO, message
        if gate is not None and r.metric in SPEED:
            if est.ratio > 1 + gate:
                return "HLB001", Severity.WARNING, (
                    f"{message}; more than the {gate:.0%} --fail-if-slower allows")
            return "HLB001", Severity.INFO, f"{message}; within --fail-if-slower {gate:.0%}"
        return "HLB001", Severity.INFO, message
    return "HLB003", Severity.INFO, (
        f"{r.benchmark}: no significant difference in {title} ({detail}; {_why(r)})")


def _change(metric: str, worse: bool, pct: float) -> str:
    """``12.0% slower in wall time``, ``8.1% larger peak RSS``, ``90.0% fewer instructions``."""
    if metric == "rss":
        return f"{pct:.1%} {'larger' if worse else 'smaller'} peak RSS"
    if metric == "instructions":
        return f"{pct:.1%} {'more' if worse else 'fewer'} instructions"
    return f"{pct:.1%} {'slower' if worse else 'faster'} in {METRICS[metric].title}"


def _detail(r: Result) -> str:
    """``12.1 us -> 13.6 us, ratio 1.123, 95% CI [1.100, 1.150]``."""
    est = r.estimate
    assert est is not None and r.before is not None
    unit = r.kind.unit
    ratio = "ratio n/a" if math.isnan(est.ratio) else f"ratio {est.ratio:.3f}"
    ci = f", 95% CI [{est.ci[0]:.3f}, {est.ci[1]:.3f}]" if est.ci else ""
    return f"{show(median(r.before), unit)} -> {show(median(r.after), unit)}, {ratio}{ci}"


def _why(r: Result) -> str:
    """Which test kept the verdict at "no significant difference"."""
    est = r.estimate
    assert est is not None
    if est.ci is None:
        return "too few rounds or a zero reading for a confidence interval"
    if est.ci[0] <= 1.0 <= est.ci[1]:
        return "the interval contains 1.0"
    if est.p_value is not None and est.p_value >= 0.05 and est.ci[0] != est.ci[1]:
        test = "sign test" if est.paired else "Mann-Whitney test"
        return f"{test} p = {est.p_value:.2g}"
    return f"within the {r.floor:.1%} noise floor"


def noise(r: Result) -> float | None:
    """Relative spread between rounds: MAD of per-round ratios (paired) or of samples."""
    if r.design == "paired" and r.before:
        logs = [math.log(a / b) for b, a in zip(r.before, r.after, strict=True) if a > 0 < b]
        if len(logs) < 3:
            return None
        m = median(logs)
        return math.exp(median([abs(v - m) for v in logs])) - 1
    s = r.summary("after")
    return s.rel_spread if s is not None and s.n >= 3 else None
