"""``hlopt bench`` on the command line: targets, outputs, saved baselines, usage errors."""

from __future__ import annotations

import json
import sys
import xml.dom.minidom
from pathlib import Path

import pytest

from hlopt.core.report import Report


def test_single_callable_text_output(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work:same", "--rounds", "3"])
    out = result.stdout
    assert "HLB004 work:same: wall time" in out and "median of 3 rounds" in out
    assert "peak RSS" in out and "before / after" in out
    assert "3 rounds (one side), fresh processes" in out


def test_stmt_only_json(workdir: Path, invoke) -> None:
    result = invoke(["bench", "--setup", "data = list(range(100))", "--stmt", "sorted(data)",
                     "--rounds", "2", "--metric", "cpu", "--format", "json"])
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["code"] == "HLB004" and finding["path"] is None
    assert finding["data"]["metric"] == "cpu" and len(finding["data"]["after"]["samples"]) == 2
    assert report["metrics"][0]["before"] is None and report["metrics"][0]["after"] > 0


def test_whole_command_against_another(workdir: Path, invoke) -> None:
    fast = f"{sys.executable} -c pass"
    slow = f"{sys.executable} -c 'import time; time.sleep(0.5)'"  # far beyond start-up noise
    result = invoke(["bench", "--cmd", fast, "--against", slow, "--rounds", "6",
                     "--format", "json"])
    report = json.loads(result.stdout)
    wall = next(f for f in report["findings"] if f["data"]["metric"] == "wall")
    assert wall["code"] == "HLB001" and wall["data"]["ratio"] > 1.1
    assert {f["data"]["metric"] for f in report["findings"]} == {"wall", "rss"}


def test_save_then_baseline(workdir: Path, invoke) -> None:
    saved = workdir / "before.json"
    invoke(["bench", "work:same", "--rounds", "6", "--metric", "wall", "--save", str(saved)])
    doc = json.loads(saved.read_text())
    assert Report.from_dict(doc).artifacts[0].kind == "report"
    # 10 ms of sleep per call is hundreds of times the call itself: beyond any noise
    result = invoke(["bench", "work:same", "--setup", "import time", "--stmt",
                     "same(); time.sleep(0.01)", "--baseline", str(saved), "--rounds", "6",
                     "--metric", "wall", "--fail-if-slower", "10%", "--format", "json"],
                    exit_code=1)
    report = json.loads(result.stdout)
    (finding,) = [f for f in report["findings"] if f["code"] != "HLB005"]
    assert finding["code"] == "HLB001" and finding["data"]["design"] == "baseline"
    assert finding["data"]["before_label"] == str(saved)
    assert finding["data"]["p_value"] < 0.05


def test_chart_svg_and_sarif(workdir: Path, invoke) -> None:
    chart = workdir / "chart.svg"
    result = invoke(["bench", "work:same", "--against", "work:slower", "--rounds", "2",
                     "-o", str(chart), "--format", "sarif"])
    sarif = json.loads(result.stdout)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["id"].startswith("HLB") for r in rules)
    doc = xml.dom.minidom.parse(str(chart))
    assert len(doc.getElementsByTagName("circle")) == 2 * 2 * 2  # 2 metrics, 2 sides, 2 rounds
    assert "work:same -&gt; work:slower" in chart.read_text()


def test_png_chart(workdir: Path, invoke) -> None:
    pytest.importorskip("matplotlib", reason="PNG charts need the optional hlopt[chart] extra")
    chart = workdir / "chart.png"
    invoke(["bench", "work:same", "--rounds", "2", "--metric", "wall", "-o", str(chart)])
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "message"), [
    (["work:same", "--cmd", "true"], "give a TARGET or --cmd, not both"),
    ([], "nothing to measure"),
    (["work:same", "--fail-if-slower", "5%"], "--fail-if-slower needs something to compare"),
    (["work:same", "--ref", "main", "--baseline", "x.json"], "are alternatives"),
    (["work:same", "--metric", "speed"], "unknown metric 'speed'"),
    (["work:same", "--fail-if-slower", "fast"], "is not a percentage"),
    (["work:same", "--rounds", "0"], "must be at least 1"),
    (["work:same", "-o", "chart.pdf"], "must be .svg or .png"),
    (["not a target"], "is neither pkg.mod:func nor a test path"),
    (["--cmd", "true", "--stmt", "x"], "--cmd times a command"),
    (["--stmt", "1", "--against", "work:same"], "--against needs a TARGET"),
    (["work:same", "--against", "nope"], "--against 'nope' is not pkg.mod:func"),
    (["work:same", "--metric", "rss", "--benchmark-json", "x.json"], "writes wall-time"),
    (["work:same", "--baseline", "missing.json"], "--baseline missing.json: no such file"),
])
def test_usage_errors(workdir: Path, invoke, args: list[str], message: str) -> None:
    result = invoke(["bench", *args], exit_code=2)
    assert message in result.stderr


def test_help_lists_the_options(invoke) -> None:
    out = invoke(["bench", "--help"]).stdout
    for option in ("--setup", "--stmt", "--cmd", "--against", "--baseline", "--ref",
                   "--metric", "--rounds", "--timeout", "--fail-if-slower", "--save",
                   "--benchmark-json", "--output"):
        assert option in out


def test_noise_floor_and_python_options(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work:same", "--rounds", "2", "--metric", "wall",
                     "--noise-floor", "7%", "--python", sys.executable, "--format", "json"])
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["data"]["noise_floor"] == pytest.approx(0.07)
