"""Accuracy of `hlopt profile`: reported shares against a split measured without a profiler.

The workload (bench/workloads/split.py) runs a call-heavy and a loop-heavy function. The
truth is each function timed alone (CPU seconds, median of several runs, no profiler). Each
engine then profiles the program running both, through `hlopt profile --format json`, and
its total shares of the two functions (normalised to their sum) are compared with the
truth. Target: the default engine within 5 percentage points.

    .venv/bin/python bench/profile_accuracy.py [--scale 5] [--runs 3]

Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "workloads" / "split.py"
HLOPT = [sys.executable, "-m", "hlopt"]
ENGINES = [("auto", "default (auto)"), ("pyinstrument", "pyinstrument"),
           ("cprofile", "cProfile")]


def true_split(scale: float, runs: int) -> float:
    """The call-heavy function's share of the two, each timed alone."""
    calls, loops = [], []
    for _ in range(runs):
        for which, into in (("call", calls), ("loop", loops)):
            out = subprocess.run([sys.executable, str(WORKLOAD), "--scale", str(scale),
                                  "--time", which], capture_output=True, text=True, check=True)
            into.append(float(out.stdout))
    c, lo = statistics.median(calls), statistics.median(loops)
    print(f"alone: call_heavy {c:.3f} s, loop_heavy {lo:.3f} s (median of {runs})")
    return c / (c + lo)


def profiled_split(engine: str, scale: float) -> tuple[float, str]:
    """The call-heavy share one profile reports, and the engine that produced it."""
    out = subprocess.run([*HLOPT, "profile", "--engine", engine, "--format", "json",
                          "--top", "20", str(WORKLOAD), "--", "--scale", str(scale)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1])
    doc = json.loads(out.stdout)
    shares = {f["data"]["qualname"]: f["data"]["total_share"] for f in doc["findings"]
              if f["code"] == "HLH001"}
    used = next(f["data"]["engine"] for f in doc["findings"] if f["code"] == "HLH001")
    c, lo = shares.get("call_heavy", 0.0), shares.get("loop_heavy", 0.0)
    return c / (c + lo), used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    truth = true_split(args.scale, args.runs)
    print(f"true split: call_heavy {truth:.1%}, loop_heavy {1 - truth:.1%}\n")
    print(f"{'engine':<22} {'call_heavy':>10} {'loop_heavy':>10} {'error (pp)':>10}")
    for engine, label in ENGINES:
        try:
            results = [profiled_split(engine, args.scale) for _ in range(args.runs)]
        except RuntimeError as exc:
            print(f"{label:<22} cannot run here: {exc}")
            continue
        share = statistics.median(r[0] for r in results)
        name = f"{label} [{results[0][1]}]" if engine == "auto" else label
        err = abs(share - truth) * 100
        verdict = "  (within 5 pp)" if err <= 5 else "  (off by more than 5 pp)"
        print(f"{name:<22} {share:>10.1%} {1 - share:>10.1%} {err:>10.1f}"
              f"{verdict if engine == 'auto' else ''}")


if __name__ == "__main__":
    main()
