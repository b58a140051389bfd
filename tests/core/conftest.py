"""Fixtures for core tests: a report with one of everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlopt.core.report import (
    Applicability,
    Artifact,
    Edit,
    Finding,
    Fix,
    Metric,
    Report,
    Severity,
)


@pytest.fixture
def full_report() -> Report:
    fix = Fix("Remove unused import `os`", Applicability.SAFE, (Edit(1, 1, 2, 1, ""),))
    return Report(
        command="debloat", target="pkg",
        findings=[
            Finding("HLI001", "`os` imported but unused", Path("pkg/a.py"), 1, 8, fix=fix,
                    data={"name": "os"}),
            Finding("HLD001", "unused function `_f`", Path("pkg/a.py"), 5, 1, confidence=90),
            Finding("HLX003", "syntax error: invalid syntax", Path("pkg/b.py"), 2, 3,
                    Severity.ERROR),
        ],
        metrics=[Metric("lines", "lines", 100, 90),
                 Metric("time", "s", 2.0, 1.0, ci=(0.45, 0.55), significant=True)],
        artifacts=[Artifact("chart", Path("chart.svg"), "before/after")],
        duration_s=1.5, notes=["Fixed 1 finding"],
    )
