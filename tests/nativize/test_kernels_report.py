"""bench/nativize_kernels.py's C/Zig verdict: slower than the Cython backend only beyond the
run's own noise; a closer best time is named a tie, never hidden."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from _backend_cases import load_module

report = load_module(Path(__file__).parents[2] / "bench" / "kernels" / "_subset_report.py",
                     "_subset_report")


def kernel(stem: str, c: list[float], cython: list[float]) -> SimpleNamespace:
    times = {"hlopt-C": c, "hlopt": cython, "hand-C": [1.0]}
    return SimpleNamespace(stem=stem, times=times, best={s: min(t) for s, t in times.items()})


def test_noise_is_the_median_over_the_best() -> None:
    k = kernel("k", [1.0, 1.1, 1.2], [2.0])
    assert abs(report.noise(k, "hlopt-C") - 0.1) < 1e-12
    assert report.noise(k, "hlopt") == 0.0
    assert report.noise(k, "absent") == 0.0


def test_beyond_the_noise_is_slower_within_it_a_named_tie() -> None:
    steady = kernel("k_slow", [1.2, 1.21, 1.22], [1.0, 1.01, 1.02])  # 1.20x, noise 1%
    tie = kernel("k_tie", [1.03, 1.10, 1.12], [1.0, 1.01, 1.02])  # 1.03x, noise 7%
    fast = kernel("k_fast", [0.5, 0.5, 0.5], [1.0, 1.0, 1.0])
    (line,) = report._vs_cython([steady, tie, fast], "hlopt-C")
    assert "NOT met (k_slow 1.20x of its time)" in line
    assert "ties within this run's noise: k_tie 1.03x (noise 7%)" in line
    assert "k_fast" not in line
    (line,) = report._vs_cython([tie, fast], "hlopt-C")
    assert line.startswith("target: hlopt-C never slower than hlopt's Cython backend: met; ties")
