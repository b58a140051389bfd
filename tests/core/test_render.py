"""core.render: every renderer on an empty and on a full report."""

from __future__ import annotations

import io
import json

import pytest

from hlopt.core.render import Format, render
from hlopt.core.render.sarif import to_sarif
from hlopt.core.report import Report

EMPTY = Report("debloat", "pkg")


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("which", ["empty", "full"])
def test_every_renderer_renders(fmt: Format, which: str, full_report: Report) -> None:
    report = EMPTY if which == "empty" else full_report
    out = io.StringIO()
    render(report, fmt, out)
    text = out.getvalue()
    assert text.endswith("\n")
    if fmt is not Format.text:
        json.loads(text)  # nothing but the document


def test_text_layout_has_location_code_help_metrics_and_summary(full_report: Report) -> None:
    out = io.StringIO()
    render(full_report, Format.text, out)
    text = out.getvalue()
    assert "pkg/a.py:1:8: HLI001 `os` imported but unused" in text
    assert "help: Remove unused import `os`" in text
    assert "pkg/a.py:5:1: HLD001 unused function `_f` (90% confidence)" in text
    assert "lines (lines)" in text and "0.900" in text
    assert "3 findings (1 fixable with `--fix`)." in text
    assert "wrote chart chart.svg" in text


def test_empty_text_report_says_no_findings() -> None:
    out = io.StringIO()
    render(EMPTY, Format.text, out)
    assert out.getvalue().strip() == "No findings."


def test_sarif_has_rules_results_regions_and_fixes(full_report: Report) -> None:
    doc = to_sarif(full_report)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["HLD001", "HLI001", "HLX003"] or set(ids) == {"HLD001", "HLI001", "HLX003"}
    results = {r["ruleId"]: r for r in run["results"]}
    region = results["HLI001"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 8}
    assert results["HLI001"]["fixes"][0]["description"]["text"].startswith("Remove")
    assert results["HLX003"]["level"] == "error"
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
