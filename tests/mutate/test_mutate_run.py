"""Real runs on a small project: survivors, timeouts, untested code, scope, cache, CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hlopt.mutate import Options, run

pytestmark = pytest.mark.slow


def outcomes(report) -> dict[str, dict[str, str]]:
    return {f.data["function"]: f.data["outcomes"] for f in report.findings
            if f.code == "HLM003"}


def test_a_weak_test_leaves_survivors_with_their_diff(weak_project: Path, cache_dir) -> None:
    report = run(Options(paths=(weak_project,), cache_dir=cache_dir))
    survivors = [f for f in report.findings if f.code == "HLM001"]
    changed = {(f.data["function"], f.data["original"], f.data["replacement"])
               for f in survivors}
    assert ("pkg/calc.py:clamp", "< lo", "<= lo") in changed  # no test at the boundary
    assert ("pkg/calc.py:clamp", "> hi", ">= hi") in changed
    boundary = next(f for f in survivors if f.data["replacement"] == "<= lo")
    assert boundary.line == 2 and "-    if x < lo:\n+    if x <= lo:\n" in boundary.data["diff"]
    by_function = outcomes(report)
    assert set(by_function["pkg/calc.py:unused"].values()) == {"no-tests"}
    assert "HLM002" in {f.code for f in report.findings}
    assert "timeout" in by_function["pkg/calc.py:spin"].values()  # `i += 1` -> `i -= 1`
    assert "error" not in {o for fn in by_function.values() for o in fn.values()}
    assert report.exit_code == 1


def test_methods_using_super_are_mutated_and_killed(weak_project: Path, cache_dir) -> None:
    report = run(Options(paths=(weak_project,), only=("Child.add",), cache_dir=cache_dir))
    assert set(outcomes(report)) == {"pkg/calc.py:Child.add"}
    assert set(outcomes(report)["pkg/calc.py:Child.add"].values()) == {"killed"}


def test_score_metrics_and_min_score_gate(weak_project: Path, cache_dir) -> None:
    report = run(Options(paths=(weak_project,), cache_dir=cache_dir, min_score=99))
    metrics = {m.name: m.before for m in report.metrics}
    detected = metrics["killed"] + metrics["timeout"]
    total = detected + metrics["survived"] + metrics["no-tests"]
    assert metrics["mutation score"] == round(100 * detected / total, 2) < 99
    assert report.exit_code == 1
    passed = run(Options(paths=(weak_project,), cache_dir=cache_dir, min_score=10))
    assert passed.exit_code == 0


def test_the_cache_skips_unchanged_functions(weak_project: Path, cache_dir) -> None:
    first = run(Options(paths=(weak_project,), only=("clamp", "Acc.add"), cache_dir=cache_dir))
    calc = weak_project / "pkg" / "calc.py"
    calc.write_text(calc.read_text().replace("self.total += n", "self.total = self.total + n"))
    second = run(Options(paths=(weak_project,), only=("clamp", "Acc.add"),
                         cache_dir=cache_dir))
    cached = {m.name: m.before for m in second.metrics}.get("cached")
    assert cached == len(outcomes(first)["pkg/calc.py:clamp"])  # clamp only: add changed
    assert outcomes(second)["pkg/calc.py:clamp"] == outcomes(first)["pkg/calc.py:clamp"]


def test_changed_since_mutates_only_functions_in_the_diff(weak_project: Path,
                                                          cache_dir) -> None:
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "base"]):
        subprocess.run([*git, *args], cwd=weak_project, check=True)
    calc = weak_project / "pkg" / "calc.py"
    calc.write_text(calc.read_text().replace("    return a * b", "    return b * a"))
    report = run(Options(paths=(weak_project,), changed_since="HEAD", cache_dir=cache_dir))
    assert set(outcomes(report)) == {"pkg/calc.py:unused"}


def test_from_profile_and_from_nativize_pick_their_functions(weak_project: Path,
                                                             cache_dir) -> None:
    profile = weak_project.parent / "prof.json"
    profile.write_text(json.dumps({"command": "profile", "findings": [
        {"code": "HLH001", "data": {"rank": 1, "target": "pkg/calc.py:spin"}},
        {"code": "HLH001", "data": {"rank": 2, "target": "pkg/calc.py:clamp"}}]}))
    report = run(Options(paths=(weak_project,), from_profile=profile, top=1,
                         cwd=weak_project, cache_dir=cache_dir))
    assert set(outcomes(report)) == {"pkg/calc.py:spin"}
    calc = weak_project / "pkg" / "calc.py"
    calc.write_text(calc.read_text() + "\n# hlopt nativize: begin Acc.add (undo: ...)\n"
                    "# hlopt nativize: end Acc.add\n")
    report = run(Options(paths=(weak_project,), from_nativize=True, cache_dir=cache_dir))
    assert set(outcomes(report)) == {"pkg/calc.py:Acc.add"}


def test_cli_json_and_exit_codes(invoke, weak_project: Path, cache_dir, monkeypatch) -> None:
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "pkg", "--only", "clamp", "--cache-dir", str(cache_dir),
                     "--format", "json"], exit_code=1)
    data = json.loads(result.stdout)
    assert data["command"] == "mutate" and data["exit_code"] == 1
    names = {m["name"] for m in data["metrics"]}
    assert {"mutants", "killed", "survived", "timeout", "no-tests", "mutation score",
            "run time"} <= names
    invoke(["mutate", "pkg", "--only", "clamp", "--cache-dir", str(cache_dir),
            "--min-score", "10", "-q"], exit_code=0)
