"""Real child processes in wall mode: a known slowdown is detected, exit codes follow the gate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hlopt.bench import CallableSpec, Result, compare
from hlopt.bench.verdicts import NOISY, noise, to_findings
from hlopt.core.report import Report


@pytest.mark.slow
def test_ten_percent_slowdown_is_detected_in_wall_mode(workdir: Path) -> None:
    # 30 interleaved rounds: the sign test then tolerates 9 rounds spoilt by other work on
    # the machine (p < 0.05 needs 21 of 30 on one side), where a 10% effect is several
    # times the per-round noise of a min-of-loops value on a machine that is busy but not
    # oversubscribed. On an oversubscribed one (other jobs beyond the cores: rounds then
    # differ by 20% and more) no wall-clock method sees 10%; the test says so and skips.
    # Instruction mode proves detection without that condition (test_bench_instructions).
    c = compare("work:same", "work:slower", metrics=("wall",), rounds=30, cwd=workdir)
    result = c.get("wall")
    est = result.estimate
    assert est is not None
    spread = noise(result)
    if est.verdict != "slower" and spread is not None and spread > NOISY:
        pytest.skip(f"machine too busy for a wall-clock test: rounds vary by {spread:.0%} "
                    f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    assert est.verdict == "slower", (est, spread)
    assert est.significant is True
    assert 1.03 < est.ratio < 1.25


def test_compare_api_with_specs_and_both_names(workdir: Path) -> None:
    before = CallableSpec("work:work", setup="n = 200", stmt="work(n)", cwd=workdir)
    after = CallableSpec("work:same", setup="n = 200", stmt="work(n) if False else same()",
                         cwd=workdir)
    c = compare(before, after, metrics=("wall", "cpu", "rss"), rounds=2, cwd=workdir)
    assert {r.metric for r in c.results} == {"wall", "cpu", "rss"}
    rss = c.get("rss")
    assert all(v > 1_000_000 for v in rss.after)  # bytes: a Python process is megabytes
    assert c.loops is not None and c.loops >= 1
    assert c.get("wall").source is not None and c.get("wall").source[0].endswith("work.py")


def test_rss_shows_a_process_that_holds_more_memory(workdir: Path) -> None:
    small = CallableSpec("work:grow", stmt="grow(10)", cwd=workdir)
    big = CallableSpec("work:grow", stmt="grow(100_000)", cwd=workdir)  # +100 MB
    r = compare(small, big, metrics=("rss",), rounds=6, cwd=workdir).get("rss")
    assert r.estimate is not None and r.estimate.verdict == "slower"  # i.e. larger
    assert r.estimate.ratio > 1.5


def fake_baseline(path: Path, seconds: float) -> Path:
    """A saved report whose `work:same` took ``seconds`` per call, far from the real cost."""
    result = Result("work:same", "wall", tuple(seconds * (1 + i / 100) for i in range(8)))
    report = Report("bench", "work:same", findings=to_findings(result, None))
    path.write_text(json.dumps(report.to_dict()))
    return path


def test_fail_if_slower_exit_codes(workdir: Path, invoke) -> None:
    # the baselines are a million times faster or slower than the real call: no machine
    # noise can change these verdicts, so the test checks the gate, not the machine
    fast = fake_baseline(workdir / "fast.json", 1e-11)
    slow = fake_baseline(workdir / "slow.json", 1.0)
    args = ["bench", "work:same", "--rounds", "6", "--metric", "wall", "--format", "json"]
    gated = json.loads(invoke([*args, "--baseline", str(fast), "--fail-if-slower", "5%"],
                              exit_code=1).stdout)
    (finding,) = [f for f in gated["findings"] if f["code"] != "HLB005"]
    assert finding["code"] == "HLB001" and finding["severity"] == "warning"
    assert "more than the 5% --fail-if-slower allows" in finding["message"]
    assert gated["exit_code"] == 1 and gated["metrics"][0]["significant"] is True
    plain = json.loads(invoke([*args, "--baseline", str(fast)], exit_code=0).stdout)
    assert [(f["code"], f["severity"]) for f in plain["findings"] if f["code"] != "HLB005"] \
        == [("HLB001", "info")]
    better = json.loads(invoke([*args, "--baseline", str(slow), "--fail-if-slower", "1%"],
                               exit_code=0).stdout)
    assert [f["code"] for f in better["findings"] if f["code"] != "HLB005"] == ["HLB002"]
    assert better["metrics"][0]["ratio"] < 0.01
