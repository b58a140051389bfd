"""The child runner: standalone, timeit-like loop building, modes, and what it reports."""

from __future__ import annotations

import ast
from pathlib import Path

from hlopt.bench.model import CallableSpec
from hlopt.bench.timer import run_child, runner_source


def test_runner_is_standalone_and_imports_little() -> None:
    tree = ast.parse(runner_source())
    top = {alias.name for node in tree.body if isinstance(node, ast.Import)
           for alias in node.names}
    assert top == {"itertools", "os", "sys", "time"}
    every = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    assert not any(name.startswith("hlopt") for name in every)
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))


def test_multiline_indented_stmt_and_setup(workdir: Path) -> None:
    spec = CallableSpec("work:work", setup="""
        data = list(range(50))
        total = 0
    """, stmt="""
        for x in data:
            total = work(x)
    """, cwd=workdir)
    r = run_child(spec, {"mode": "time", "loops": 3, "values": 4},
                  timeout=30)
    assert len(r["wall_ns"]) == 4 and len(r["cpu_ns"]) == 4
    assert all(v > 0 for v in r["wall_ns"]) and r["loops"] == 3
    assert r["maxrss_kib"] > 1000 and r["source"][0].endswith("work.py")


def test_calibration_reaches_the_minimum_time(workdir: Path) -> None:
    spec = CallableSpec("work:same", cwd=workdir)
    r = run_child(spec, {"mode": "calibrate", "min_time_ns": 2_000_000}, timeout=30)
    assert r["loops"] >= 1 and r["wall_ns"][0] * r["loops"] >= 2_000_000


def test_the_target_is_bound_by_its_own_name_and_aliases(workdir: Path) -> None:
    spec = CallableSpec("work:same", stmt="assert same is target is other", cwd=workdir,
                        names=("other",))
    assert spec.bound_names() == ["target", "other", "same"]
    run_child(spec, {"mode": "time", "loops": 1, "values": 1},
              timeout=30)


def test_count_mode_without_markers(workdir: Path) -> None:
    spec = CallableSpec("work:same", cwd=workdir)
    r = run_child(spec, {"mode": "count", "loops": 5, "markers": False}, timeout=30)
    assert r == {"loops": 5, "maxrss_kib": r["maxrss_kib"]}
