"""Findings, metrics, charts and baselines built from results (no processes: made-up samples)."""

from __future__ import annotations

import json
import xml.dom.minidom
from pathlib import Path

import pytest

from hlopt.bench.baseline import compare_with, load_baseline, match
from hlopt.bench.chart import render_svg, ticks, write_chart
from hlopt.bench.model import Result
from hlopt.bench.stats import paired_ratio
from hlopt.bench.verdicts import noise, show, to_findings, to_metric, verdict
from hlopt.core.errors import ToolchainError
from hlopt.core.report import Metric, Report, Severity
from hlopt.core.rules import load_registry


def paired(before: list[float], after: list[float], metric: str = "wall") -> Result:
    floor = 0.001 if metric == "instructions" else 0.01
    return Result("mod:f", metric, tuple(after), tuple(before),
                  paired_ratio(before, after, floor=floor), floor, "mod:f", "mod:g", "paired")


SLOWER = paired([1e-5 * (1 + i / 1000) for i in range(8)],
                [1.2e-5 * (1 + i / 1000) for i in range(8)])
SAME = paired([1e-5] * 8, [1e-5 * (1 + (-1) ** i / 500) for i in range(8)])


def test_gate_decides_the_severity_of_a_slowdown() -> None:
    assert verdict(SLOWER, None)[:2] == ("HLB001", Severity.INFO)
    code, severity, message = verdict(SLOWER, 0.05)
    assert (code, severity) == ("HLB001", Severity.WARNING)
    assert message.startswith("mod:f: 20.0% slower in wall time (10 us -> 12 us, ratio 1.200")
    assert verdict(SLOWER, 0.25)[1] is Severity.INFO
    assert "within --fail-if-slower 25%" in verdict(SLOWER, 0.25)[2]


def test_memory_growth_is_never_gated_as_slower() -> None:
    rss = paired([50e6] * 6, [80e6] * 6, "rss")
    code, severity, message = verdict(rss, 0.05)
    assert (code, severity) == ("HLB001", Severity.INFO)
    assert "60.0% larger peak RSS (47.7 MiB -> 76.3 MiB" in message


def test_improvement_and_no_difference() -> None:
    faster = paired([2e-3] * 6, [1e-3] * 6)
    assert verdict(faster, 0.05)[0] == "HLB002" and "50.0% faster" in verdict(faster, None)[2]
    code, severity, message = verdict(SAME, 0.05)
    assert (code, severity) == ("HLB003", Severity.INFO)
    assert "no significant difference in wall time" in message


def test_single_measurement_finding_keeps_every_sample() -> None:
    r = Result("mod:f", "wall", (1e-6, 1.01e-6, 0.99e-6), source=("/src/mod.py", 3))
    (finding,) = to_findings(r, None)
    assert finding.code == "HLB004" and finding.line == 3
    assert "wall time 1 us (median of 3 rounds" in finding.message
    assert finding.data is not None and finding.data["after"]["samples"] == [1e-6, 1.01e-6, 0.99e-6]
    metric = to_metric(r, multi=False)
    assert metric == Metric("wall time", "us", None, 1.0)


def test_metric_carries_the_paired_estimate_and_ci() -> None:
    m = to_metric(SLOWER, multi=True)
    assert m.name == "mod:f: wall time" and m.unit == "us"
    assert m.ratio == pytest.approx(1.2) and m.significant is True
    assert m.ci is not None and m.ci[0] > 1
    again = Metric.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again.ratio == pytest.approx(m.ratio) and again.ci == m.ci


def test_noisy_rounds_are_reported() -> None:
    noisy = paired([1.0] * 8, [1.0, 1.2, 0.8, 1.15, 0.85, 1.1, 0.9, 1.0])
    spread = noise(noisy)
    assert spread is not None and spread > 0.05
    assert [f.code for f in to_findings(noisy, None)] == ["HLB003", "HLB005"]
    assert [f.code for f in to_findings(SAME, None)] == ["HLB003"]


def test_show_units() -> None:
    assert show(1.5e-8, "s") == "15 ns"
    assert show(2.5e-3, "s") == "2.5 ms"
    assert show(3.0, "s") == "3 s"
    assert show(48 * 2**20, "B") == "48 MiB"
    assert show(560800.7, "instructions") == "560,801 instructions"


def test_rules_are_registered_with_docs() -> None:
    registry = load_registry()
    for code in ("HLB001", "HLB002", "HLB003", "HLB004", "HLB005"):
        assert registry[code].command == "bench"
        assert "## Fix safety" in registry[code].doc


def test_svg_chart_is_well_formed(tmp_path: Path) -> None:
    svg = render_svg([SLOWER, SAME], title="a <title> & more")
    doc = xml.dom.minidom.parseString(svg)
    assert len(doc.getElementsByTagName("circle")) == 4 * 8
    assert "a &lt;title&gt; &amp; more" in svg
    assert "ratio 1.200" in svg and "slower" in svg and "no significant difference" in svg
    write_chart(tmp_path / "c.svg", [SLOWER], title="t")
    assert (tmp_path / "c.svg").read_text().startswith("<svg")


def test_png_without_matplotlib_says_how_to_get_it(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name: str, *args, **kwargs):  # noqa: ANN002, ANN003
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ToolchainError) as err:
        write_chart(tmp_path / "c.png", [SLOWER], title="t")
    assert err.value.hint is not None and "hlopt[chart]" in err.value.hint


def test_ticks_are_round() -> None:
    assert ticks(39.7, 51.2) == [40, 42, 44, 46, 48, 50]
    assert ticks(0.0, 1.0) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])


def test_baseline_from_a_saved_report_and_matching(tmp_path: Path) -> None:
    report = Report("bench", "mod:f", findings=to_findings(SLOWER, None))
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(report.to_dict()))
    baseline = load_baseline(saved)
    assert baseline.samples == {"mod:f": {"wall": SLOWER.after}}
    now = Result("renamed:f", "wall", SLOWER.after)
    (result,), notes = compare_with(baseline, [now], None)
    assert result.design == "baseline" and result.estimate is not None
    assert result.estimate.verdict == "same" and notes == []
    assert match({"a": 1, "b": 2}, {"a", "c"}) == {"a": "a"}
