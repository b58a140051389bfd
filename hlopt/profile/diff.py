"""``hlopt profile --diff before.json after.json``: the same functions side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hlopt.core.files import read_report
from hlopt.core.report import Metric, Report


def load_profile_report(path: Path) -> Report:
    """A report written by ``hlopt profile -o x.json`` (or ``--format json``)."""
    return Report.from_dict(read_report(
        path, "profile", hint="give two reports written by `hlopt profile -o NAME.json`"))


def diff_reports(before_path: Path, after_path: Path, top: int) -> Report:
    """Per-function self time and shares before and after, plus the run's wall time."""
    before, after = load_profile_report(before_path), load_profile_report(after_path)
    a, b = _hot(before), _hot(after)
    keys = _order(a, b)[:top]
    metrics = [m for m in (_run_metric(before, after, "wall time"),
                           _run_metric(before, after, "cpu time")) if m is not None]
    rows = [f"{'before self%':>12}  {'after self%':>11}  {'self s ratio':>12}  function"]
    for key in keys:
        x = a.get(key) or a.get(_by_name(a, key) or key)
        y = b.get(key) or b.get(_by_name(b, key) or key)
        name = (x or y or {}).get("qualname", key[1])
        metrics.append(Metric(f"{name} self time", "s", _get(x, "self_s"), _get(y, "self_s")))
        rows.append(f"{_pct(x):>12}  {_pct(y):>11}  {_ratio(x, y):>12}  {name}"
                    f"  ({key[0]})")
    report = Report("profile", f"{before_path} -> {after_path}", [], metrics)
    report.notes = rows if keys else ["neither report has hot functions (HLH001 findings)"]
    return report


def _hot(report: Report) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for f in report.findings:
        if f.code == "HLH001" and f.data:
            out[(str(f.data.get("file")), str(f.data.get("qualname")))] = dict(f.data)
    return out


def _by_name(side: dict[tuple[str, str], dict[str, Any]],
             key: tuple[str, str]) -> tuple[str, str] | None:
    """The same function under another file name (moved, or run from another directory)."""
    matches = [k for k in side if k[1] == key[1]]
    return matches[0] if len(matches) == 1 else None


def _order(a: dict[tuple[str, str], dict[str, Any]],
           b: dict[tuple[str, str], dict[str, Any]]) -> list[tuple[str, str]]:
    keys = list(a)
    for key in b:
        if key not in a and _by_name(a, key) is None:
            keys.append(key)
    return sorted(keys, key=lambda k: -max(_get(a.get(k), "self_s") or 0.0,
                                           _get(b.get(k), "self_s") or 0.0))


def _run_metric(before: Report, after: Report, name: str) -> Metric | None:
    x = next((m.before for m in before.metrics if m.name == name), None)
    y = next((m.before for m in after.metrics if m.name == name), None)
    return Metric(name, "s", x, y) if x is not None or y is not None else None


def _get(data: dict[str, Any] | None, field: str) -> float | None:
    if data is None or data.get(field) is None:
        return None
    return float(data[field])


def _pct(data: dict[str, Any] | None) -> str:
    value = _get(data, "self_share")
    return "-" if value is None else f"{value * 100:.1f}"


def _ratio(x: dict[str, Any] | None, y: dict[str, Any] | None) -> str:
    a, b = _get(x, "self_s"), _get(y, "self_s")
    if a is None or b is None or a == 0:
        return "gone" if b is None and a is not None else "new" if a is None else "-"
    return f"{b / a:.3f}"
