"""How stable is `hlopt bench`? The same callable against itself, five times, beside peers.

Each of five runs compares a callable with itself:

* hlopt, wall time: interleaved paired rounds in fresh processes (the default settings);
* hlopt, instruction counts (callgrind, PYTHONHASHSEED=0);
* pyperf: two `pyperf timeit` runs of the same statement, then `pyperf compare_to`;
* pytest-benchmark: two pytest runs of a one-benchmark suite, their medians and means.

Every ratio should be 1.0; the distance from 1.0 is the tool's noise. While it runs, a
background process keeps one core busy (``--load 1``, the default), as other work would on
a shared CI machine. A known 10% slowdown (the same loop run 1100 instead of 1000 times) is
measured at the end, as the reference of what a real difference looks like.

Run: ``.venv/bin/python bench/bench_stability.py [--runs 5] [--load 1] [--quick]``.
Results are printed and saved as report JSON in bench/results/bench_stability.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hlopt.bench import compare
from hlopt.bench.instructions import find_counter
from hlopt.core.errors import ToolchainError
from hlopt.core.report import Metric, Report

ROOT = Path(__file__).resolve().parent.parent
WORK = '''\
def work(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def same():
    return work(1000)


def slower():
    return work(1100)
'''
TEST = '''\
from work import same


def test_same(benchmark):
    benchmark(same)
'''


def burn() -> None:
    """Keep one core busy (the background load)."""
    while True:
        pass


def pyperf_pair(tmp: Path, quick: bool) -> tuple[float, bool, float]:
    """Two pyperf timeit runs of the same stmt: mean ratio, compare_to's verdict, rel. stdev."""
    import pyperf

    files = []
    for name in ("a", "b"):
        out = tmp / f"pyperf-{name}.json"
        out.unlink(missing_ok=True)
        args = [sys.executable, "-m", "pyperf", "timeit", "-q", "-s", "from work import same",
                "same()", "-o", str(out), *(["--fast"] if quick else [])]
        subprocess.run(args, cwd=tmp, check=True, capture_output=True)
        files.append(out)
    a, b = (pyperf.Benchmark.load(str(f)) for f in files)
    shown = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", *map(str, files)],
                           capture_output=True, text=True, check=True).stdout
    return b.mean() / a.mean(), "not significant" not in shown, a.stdev() / a.mean()


def pytest_benchmark_pair(tmp: Path) -> tuple[float, float, float]:
    """Two pytest-benchmark runs: median ratio, mean ratio, relative IQR of the first run."""
    stats = []
    for name in ("a", "b"):
        out = tmp / f"pb-{name}.json"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-p", "no:xdist", "--benchmark-only", f"--benchmark-json={out}",
                        "test_work.py"], cwd=tmp, check=True, capture_output=True)
        stats.append(json.loads(out.read_text())["benchmarks"][0]["stats"])
    a, b = stats
    return b["median"] / a["median"], b["mean"] / a["mean"], a["iqr"] / a["median"]


def hlopt_pair(tmp: Path, metric: str, after: str = "work:same") -> tuple[float, tuple, str]:
    result = compare("work:same", after, metrics=(metric,), cwd=tmp).results[0]
    est = result.estimate
    assert est is not None
    return est.ratio, est.ci, est.verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load", type=int, default=1, help="busy background processes")
    parser.add_argument("--quick", action="store_true", help="pyperf --fast")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the load, clean up
    try:
        find_counter()
        counting = True
    except ToolchainError as exc:
        print(f"instruction counts skipped: {exc.message}")
        counting = False
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.load)]
    for p in burners:
        p.start()
    tmp = Path(tempfile.mkdtemp(prefix="hlopt-stability-"))
    try:
        (tmp / "work.py").write_text(WORK)
        (tmp / "test_work.py").write_text(TEST)
        rows = run_all(tmp, args.runs, counting, args.quick)
        reference = known_slowdown(tmp, counting)
    finally:
        for p in burners:
            p.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    summarize(rows, reference, args)


def run_all(tmp: Path, runs: int, counting: bool, quick: bool) -> list[dict]:
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'run':>3}  {'hlopt wall':>28}  {'hlopt instr':>12}  {'pyperf (signif.?)':>19}  "
          f"{'pytest-benchmark med/mean':>26}")
    rows = []
    for i in range(1, runs + 1):
        t0 = time.perf_counter()
        wall = hlopt_pair(tmp, "wall")
        instr = hlopt_pair(tmp, "instructions") if counting else None
        pyperf_ratio, pyperf_sig, pyperf_rsd = pyperf_pair(tmp, quick)
        pb_median, pb_mean, pb_riqr = pytest_benchmark_pair(tmp)
        rows.append({"wall": wall[0], "wall_ci": wall[1], "wall_verdict": wall[2],
                     "instr": instr[0] if instr else None, "pyperf": pyperf_ratio,
                     "pyperf_significant": pyperf_sig, "pyperf_rsd": pyperf_rsd,
                     "pb_median": pb_median, "pb_mean": pb_mean, "pb_riqr": pb_riqr})
        ci = wall[1] or (float("nan"), float("nan"))
        print(f"{i:>3}  {wall[0]:.4f} [{ci[0]:.3f}, {ci[1]:.3f}] {wall[2]:>5}  "
              f"{instr[0] if instr else float('nan'):>12.6f}  "
              f"{pyperf_ratio:>9.4f} ({'yes' if pyperf_sig else 'no':>3})     "
              f"{pb_median:>11.4f} / {pb_mean:.4f}   ({time.perf_counter() - t0:.0f} s)")
    return rows


def known_slowdown(tmp: Path, counting: bool) -> dict:
    """The reference: `slower` runs the loop 10% more times than `same`."""
    wall = hlopt_pair(tmp, "wall", "work:slower")
    instr = hlopt_pair(tmp, "instructions", "work:slower") if counting else None
    print(f"known 10% slowdown: wall {wall[0]:.4f} {wall[2]}"
          + (f", instructions {instr[0]:.4f} {instr[2]}" if instr else ""))
    return {"wall": wall, "instr": instr}


def summarize(rows: list[dict], reference: dict, args: argparse.Namespace) -> None:
    def worst(key: str) -> float:
        values = [r[key] for r in rows if r[key] is not None]
        return max(abs(v - 1) for v in values) if values else float("nan")

    same = sum(r["wall_verdict"] == "same" for r in rows)
    sig = sum(r["pyperf_significant"] for r in rows)
    print(f"largest |ratio - 1| over {len(rows)} runs:")
    print(f"  hlopt wall           {worst('wall'):.2%}  ({same}/{len(rows)} "
          "'no significant difference')")
    print(f"  hlopt instructions   {worst('instr'):.4%}")
    print(f"  pyperf               {worst('pyperf'):.2%}  (compare_to: {sig}/{len(rows)} "
          "called significant; rel. std dev of one run "
          f"{max(r['pyperf_rsd'] for r in rows):.1%})")
    print(f"  pytest-benchmark     {worst('pb_median'):.2%} median, {worst('pb_mean'):.2%} mean"
          f"  (rel. IQR of one run {max(r['pb_riqr'] for r in rows):.1%})")
    save(rows, reference, args, worst)


def save(rows: list[dict], reference: dict, args: argparse.Namespace,
         worst: Callable[[str], float]) -> None:
    metrics = [Metric(f"A/A largest deviation: {name}", "%", None, worst(key) * 100)
               for name, key in (("hlopt wall", "wall"), ("hlopt instructions", "instr"),
                                 ("pyperf", "pyperf"), ("pytest-benchmark median", "pb_median"),
                                 ("pytest-benchmark mean", "pb_mean"))]
    metrics.append(Metric("known 10% slowdown: hlopt wall ratio", "", 1.0,
                          reference["wall"][0]))
    if reference["instr"]:
        metrics.append(Metric("known 10% slowdown: hlopt instructions ratio", "", 1.0,
                              reference["instr"][0]))
    report = Report("bench", "bench/bench_stability.py", metrics=metrics,
                    notes=[f"runs={args.runs} load={args.load} quick={args.quick}"])
    out = ROOT / "bench" / "results" / "bench_stability.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = report.to_dict()
    doc["runs"] = [{k: v for k, v in r.items() if k != "wall_ci"} for r in rows]
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
