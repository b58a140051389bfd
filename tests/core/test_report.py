"""core.report: the data model and its JSON round trip."""

from __future__ import annotations

import math

import pytest

from hlopt.core.errors import InputError
from hlopt.core.report import (
    SCHEMA_VERSION,
    Finding,
    Metric,
    Report,
    Severity,
)


def test_json_round_trip_keeps_everything(full_report: Report) -> None:
    report = full_report
    data = report.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["exit_code"] == 1
    again = Report.from_dict(data)
    assert again.to_dict() == data


def test_metric_ratio_is_derived_and_json_safe() -> None:
    assert Metric("t", "s", 2.0, 1.0).ratio == 0.5
    assert Metric("t", "s", 0, 1.0).ratio is None
    assert Metric("t", "s", None, 1.0).ratio is None
    assert Metric("t", "s", math.nan, 1.0).to_dict()["before"] is None


@pytest.mark.parametrize("findings, expected", [
    ([], 0),
    ([Finding("HLH001", "hot", severity=Severity.INFO)], 0),
    ([Finding("HLI001", "unused")], 1),
    ([Finding("HLX003", "syntax", severity=Severity.ERROR)], 1),
    ([Finding("HLI001", "unused"), Finding("HLX900", "bug", severity=Severity.ERROR)], 3),
])
def test_exit_code_follows_findings(findings: list[Finding], expected: int) -> None:
    assert Report("x", "y", findings).exit_code == expected


def test_forced_exit_overrides_findings_but_not_internal_errors() -> None:
    r = Report("x", "y", [Finding("HLI001", "unused")], forced_exit=0)
    assert r.exit_code == 0
    r.findings.append(Finding("HLX900", "bug"))
    assert r.exit_code == 3


def test_unknown_schema_version_is_an_input_error() -> None:
    with pytest.raises(InputError, match="schema_version"):
        Report.from_dict({"schema_version": 999, "command": "x", "target": "y"})
