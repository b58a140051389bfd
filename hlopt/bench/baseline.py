"""Compare a fresh measurement with a saved one: an hlopt bench report or pytest-benchmark JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hlopt.bench.model import METRICS, Result
from hlopt.bench.stats import unpaired_ratio
from hlopt.core.errors import InputError
from hlopt.core.files import read_json

#: {benchmark: {metric: samples}}
Saved = dict[str, dict[str, tuple[float, ...]]]


@dataclass(frozen=True)
class Baseline:
    """The samples of a saved run, by benchmark and metric."""

    path: Path
    samples: Saved
    #: "hlopt" or "pytest-benchmark"
    source: str


def load_baseline(path: Path) -> Baseline:
    """Read ``path``: a report written by ``hlopt bench --save`` or pytest-benchmark JSON."""
    doc = read_json(path, label=f"--baseline {path}",
                    hint="write one with `hlopt bench ... --save FILE`")
    from hlopt.bench.pytest_json import is_pytest_json, read_pytest_json

    if isinstance(doc, dict) and is_pytest_json(doc):
        benches = read_pytest_json(path)
        return Baseline(path, {b.fullname: {"wall": b.samples} for b in benches},
                        "pytest-benchmark")
    return Baseline(path, _from_report(path, doc), "hlopt")


def _from_report(path: Path, doc: object) -> Saved:
    from hlopt.core.report import Report

    if not isinstance(doc, dict) or "schema_version" not in doc:
        raise InputError(f"--baseline {path}: neither an hlopt report nor pytest-benchmark JSON",
                         hint="use a file written by `hlopt bench --save` or "
                         "`pytest --benchmark-json`")
    report = Report.from_dict(doc)
    if report.command != "bench":
        raise InputError(f"--baseline {path}: a report of `hlopt {report.command}`, "
                         "not of `hlopt bench`")
    saved: Saved = {}
    for f in report.findings:
        data = f.data or {}
        side = data.get("after") if f.code.startswith("HLB") else None
        if isinstance(side, Mapping) and side.get("samples") and data.get("metric") in METRICS:
            per = saved.setdefault(str(data["benchmark"]), {})
            per[str(data["metric"])] = tuple(float(v) for v in side["samples"])
    if not saved:
        raise InputError(f"--baseline {path}: the report holds no benchmark samples",
                         hint="save a report with `hlopt bench ... --save FILE`")
    return saved


def compare_with(baseline: Baseline, results: Sequence[Result],
                 noise_floor: float | None) -> tuple[list[Result], list[str]]:
    """Each measured result against the baseline's samples (unpaired); plus notes."""
    names = match(baseline.samples, {r.benchmark for r in results})
    out, notes = [], []
    for r in results:
        saved = baseline.samples.get(names.get(r.benchmark, ""), {}).get(r.metric)
        if saved is None:
            notes.append(f"{r.benchmark}: no {r.metric} samples in {baseline.path}")
            out.append(r)
            continue
        floor = METRICS[r.metric].noise_floor if noise_floor is None else noise_floor
        est = unpaired_ratio(saved, r.after, floor=floor)
        out.append(replace(r, before=saved, estimate=est, floor=floor, design="baseline",
                           before_label=str(baseline.path)))
    return out, notes


def match(saved: Mapping[str, object], measured: set[str]) -> dict[str, str]:
    """Measured benchmark -> saved benchmark: by name, or the only one with the only one."""
    if len(saved) == 1 and len(measured) == 1:
        return {next(iter(measured)): next(iter(saved))}
    return {name: name for name in measured if name in saved}
