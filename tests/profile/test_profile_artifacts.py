"""``-o`` artifacts by extension, the report JSON other commands read, and ``--diff``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hlopt.core.report import Report, Severity
from hlopt.profile.artifacts import speedscope
from hlopt.profile.flame import render_svg
from hlopt.profile.model import Frame, Profile

REPO = Path(__file__).resolve().parents[2]
MIXED = str(REPO / "bench" / "workloads" / "mixed.py")


@pytest.fixture(scope="module")
def profiled(tmp_path_factory) -> Path:  # noqa: ANN001
    """One pyinstrument run of the workload writing every artifact."""
    from typer.testing import CliRunner

    from hlopt.cli import app

    out = tmp_path_factory.mktemp("artifacts")
    args = ["profile", "--engine", "pyinstrument", "--lines", "--top", "6"]
    for name in ("p.json", "p.speedscope.json", "p.html", "p.svg"):
        args += ["-o", str(out / name)]
    result = CliRunner().invoke(app, [*args, MIXED, "--", "--scale", "0.3"])
    assert result.exit_code == 0, result.stderr
    return out


def test_report_json_is_what_other_commands_read(profiled: Path) -> None:
    data = json.loads((profiled / "p.json").read_text())
    report = Report.from_dict(data)
    assert report.command == "profile" and report.exit_code == 0
    hot = [f for f in report.findings if f.code == "HLH001"]
    assert 1 <= len(hot) <= 6
    top = min(hot, key=lambda f: f.data["rank"])
    assert top.severity is Severity.INFO
    for key in ("qualname", "file", "line", "self_share", "total_share", "calls", "rank",
                "scope", "self_s", "total_s", "target", "top_lines", "nativize", "memo",
                "engine", "mode", "calls_source", "name"):
        assert key in top.data, key
    assert top.data["qualname"] == "numeric_loop"
    # pyinstrument samples at calls and returns: a loop without calls shows up on the line
    # that ends it, so only check that the lines are the function's own
    assert all(25 <= ln["line"] <= 31 for ln in top.data["top_lines"])
    kinds = {a["kind"] for a in data["artifacts"]}
    assert kinds == {"report", "speedscope", "html", "flamegraph"}


def test_speedscope_file_is_valid(profiled: Path) -> None:
    doc = json.loads((profiled / "p.speedscope.json").read_text())
    assert doc["$schema"].startswith("https://www.speedscope.app/")
    frames = doc["shared"]["frames"]
    prof = doc["profiles"][0]
    assert prof["type"] == "sampled" and prof["unit"] == "seconds"
    assert len(prof["samples"]) == len(prof["weights"]) > 0
    assert all(0 <= i < len(frames) for s in prof["samples"] for i in s)
    assert "numeric_loop" in {f["name"] for f in frames}


def test_html_is_pyinstrument_s_view(profiled: Path) -> None:
    html = (profiled / "p.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "pyinstrument" in html.lower() and "numeric_loop" in html


def test_flame_graph_svg_parses_and_has_tooltips(profiled: Path) -> None:
    root = ET.fromstring((profiled / "p.svg").read_text())
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text or "" for t in root.iter(f"{ns}title")]
    assert any(t.startswith("numeric_loop ") for t in titles)
    assert len(list(root.iter(f"{ns}rect"))) > 5


def test_diff_lists_the_same_functions_side_by_side(invoke, profiled, tmp_path) -> None:  # noqa: ANN001
    after = tmp_path / "after.json"
    invoke(["profile", "--engine", "cprofile", "-o", str(after), "-q", MIXED, "--",
            "--scale", "0.3"])
    result = invoke(["profile", "--format", "json", "--diff", str(profiled / "p.json"),
                     str(after)])
    doc = json.loads(result.stdout)
    names = [m["name"] for m in doc["metrics"]]
    assert names[0] == "wall time"
    assert "numeric_loop self time" in names
    loop = next(m for m in doc["metrics"] if m["name"] == "numeric_loop self time")
    assert loop["before"] > 0 and loop["after"] > 0 and loop["ratio"] is not None
    assert doc["notes"][0].startswith("before self%")
    assert doc["exit_code"] == 0


def _profile() -> Profile:
    a, b, c = (Frame("main", "app.py", 5), Frame("loop", "app.py", 9),
               Frame("helper", "app.py", 14))
    return Profile("test", "wall", samples=[((a, b), 0.6), ((a, b, c), 0.3), ((a,), 0.1)],
                   wall_s=1.0)


def test_flame_graph_of_a_tiny_profile() -> None:
    svg = render_svg(_profile(), "demo <run>")
    root = ET.fromstring(svg)
    assert root.attrib["width"] == "1200"
    assert "demo &lt;run&gt;" in svg
    tips = [t for t in svg.split("<title>")[1:]]
    assert any(t.startswith("loop (app.py") and "90.0%" in t for t in tips)


def test_speedscope_of_a_tiny_profile() -> None:
    doc = speedscope(_profile(), "demo")
    assert [f["name"] for f in doc["shared"]["frames"]] == ["main", "loop", "helper"]
    assert doc["profiles"][0]["samples"] == [[0, 1], [0, 1, 2], [0]]
    assert doc["profiles"][0]["endValue"] == pytest.approx(1.0)


def test_empty_profile_renders() -> None:
    empty = Profile("test", "wall")
    ET.fromstring(render_svg(empty, "empty"))
    assert speedscope(empty, "empty")["profiles"][0]["samples"] == []
