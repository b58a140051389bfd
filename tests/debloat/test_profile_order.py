"""``debloat --profile prof.json``: findings in hot functions first, with their share."""

from __future__ import annotations

import json
from pathlib import Path

from hlopt import debloat
from hlopt.core.report import Finding
from hlopt.debloat.hotspots import HotSpot, order

PROGRAM = """
import re


def cold(s):
    import os
    return re.sub("a", "b", s)


def hot(prefix):
    import sys
    total = 0
    for i in range(200_000):
        if re.search("7", str(i)):
            total += 1
    re.compile(prefix + "x")
    return total


if __name__ == "__main__":
    cold("abc")
    hot("p")
"""


def _profile(invoke, root: Path) -> Path:  # noqa: ANN001
    script = root / "prog.py"
    script.write_text(PROGRAM.lstrip(), encoding="utf-8")
    out = invoke(["profile", str(script), "--engine", "cprofile", "--format", "json"]).stdout
    prof = root.parent / "prof.json"
    prof.write_text(out, encoding="utf-8")
    return prof


def test_hot_findings_come_first_in_every_family(tmp_path: Path, invoke) -> None:  # noqa: ANN001
    root = tmp_path / "proj"
    root.mkdir()
    prof = _profile(invoke, root)
    out = invoke(["debloat", str(root), "--profile", str(prof), "--format", "json",
                  "--select", "HLR,HLI"], exit_code=1).stdout
    findings = json.loads(out)["findings"]
    hot_lines = range(9, 17)
    hot = [f for f in findings if f["data"] and "hot" in f["data"]]
    assert {f["line"] for f in hot} <= set(hot_lines)
    # the unused `import sys` (HLI), the str-method regex (HLR003) and the regex built at
    # run time (HLR004, reported only because its function is hot) are all in hot()
    assert {f["code"] for f in hot} == {"HLI001", "HLR003", "HLR004"}
    assert findings[:len(hot)] == hot
    share = hot[0]["data"]["hot"]["total_share"]
    assert share > 0.5 and hot[0]["data"]["hot"]["qualname"] == "hot"
    assert f"in a hot function `hot`: {share:.0%} of run time" in hot[0]["message"]
    cold = findings[len(hot):]
    assert {f["code"] for f in cold} == {"HLI001", "HLR003"}
    assert all(f["line"] < 9 for f in cold)


def test_text_output_puts_hot_findings_first(tmp_path: Path, invoke) -> None:  # noqa: ANN001
    root = tmp_path / "proj"
    root.mkdir()
    prof = _profile(invoke, root)
    out = invoke(["debloat", str(root), "--profile", str(prof), "--select", "HLI"],
                 exit_code=1).stdout
    lines = [ln for ln in out.splitlines() if "HLI001" in ln]
    assert "`sys`" in lines[0] and "hot function `hot`" in lines[0]
    assert "`os`" in lines[1] and "hot function" not in lines[1]


def test_order_ranks_by_share_and_keeps_the_rest_by_place(tmp_path: Path) -> None:
    p = (tmp_path / "m.py").resolve()
    spots = [HotSpot(p, 10, 20, "a", 0.1, 0.6, 1), HotSpot(p, 30, 40, "b", 0.2, 0.3, 2),
             HotSpot(p, 12, 14, "a.<locals>.inner", 0.1, 0.2, 3)]
    fs = [Finding("HLX001", "x", p, 1), Finding("HLR003", "y", p, 35),
          Finding("HLI001", "z", p, 13), Finding("HLD001", "w", p, 18)]
    got = order(fs, spots)
    assert [(f.code, f.data["hot"]["qualname"] if f.data else None) for f in got] == [
        ("HLD001", "a"), ("HLR003", "b"), ("HLI001", "a.<locals>.inner"), ("HLX001", None)]


def test_bad_profile_is_an_input_error(tmp_path: Path, invoke) -> None:  # noqa: ANN001
    (tmp_path / "m.py").write_text("x = 1\n")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = invoke(["debloat", str(tmp_path), "--profile", str(bad)], exit_code=2)
    assert "not a JSON report" in result.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"command": "debloat", "findings": []}))
    result = invoke(["debloat", str(tmp_path), "--profile", str(other)], exit_code=2)
    assert "an `hlopt debloat` report, not a profile report" in result.stderr
    missing = debloat.Options(paths=(tmp_path,), profile=tmp_path / "none.json")
    try:
        debloat.run(missing)
    except Exception as exc:  # noqa: BLE001 (the error type is what is checked)
        assert type(exc).__name__ == "InputError" and "none.json: no such file" in str(exc)
    else:
        raise AssertionError("a missing profile must be an input error")
