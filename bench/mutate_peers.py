"""hlopt mutate vs mutmut on a real project, in one run: mutants, score, wall time, rate.

Fetches toolz's sdist with pip into bench/.cache/ (git-ignored; never committed), makes
two fresh copies of it and mutation-tests ``toolz/itertoolz.py`` against
``toolz/tests/test_itertoolz.py`` with each tool on all cores:

    .venv/bin/python bench/mutate_peers.py [--module itertoolz] [--skip-mutmut]

Prints both tools' figures and the ratio of mutants per second, and writes them as an
hlopt report (Metrics) to bench/results/mutate_peers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "mutate"
PY = Path(sys.executable)
MUTMUT = PY.parent / "mutmut"


def fetch_toolz() -> Path:
    """The unpacked toolz sdist (downloaded once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    sdists = sorted(CACHE.glob("toolz-*.tar.gz"))
    if not sdists:
        subprocess.run([str(PY), "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                        "--quiet", "toolz", "-d", str(CACHE)], check=True)
        sdists = sorted(CACHE.glob("toolz-*.tar.gz"))
    sdist = sdists[-1]
    tree = CACHE / sdist.name.removesuffix(".tar.gz")
    if not tree.is_dir():
        with tarfile.open(sdist) as tar:
            tar.extractall(CACHE, filter="data")
    return tree


def fresh_copy(tree: Path, name: str) -> Path:
    work = CACHE / name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(tree, work)
    return work


def run_hlopt(tree: Path, module: str) -> dict[str, float]:
    work = fresh_copy(tree, "hlopt-run")
    start = time.perf_counter()
    done = subprocess.run([str(PY), "-m", "hlopt", "mutate", f"toolz/{module}.py", "--tests",
                           f"pytest toolz/tests/test_{module}.py", "--no-cache",
                           "--format", "json"], cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"hlopt mutate failed ({done.returncode}): {done.stderr}")
    metrics = {m["name"]: m["before"] for m in json.loads(done.stdout)["metrics"]}
    return {"mutants": metrics["mutants"], "killed": metrics["killed"],
            "timeout": metrics["timeout"], "survived": metrics["survived"],
            "no-tests": metrics["no-tests"], "wall": wall}


def run_mutmut(tree: Path, module: str) -> dict[str, float]:
    work = fresh_copy(tree, "mutmut-run")
    with (work / "setup.cfg").open("a") as cfg:
        cfg.write(f"\n[mutmut]\nsource_paths=toolz\nonly_mutate=toolz/{module}.py\n"
                  f"pytest_add_cli_args_test_selection=toolz/tests/test_{module}.py\n")
    start = time.perf_counter()
    done = subprocess.run([str(MUTMUT), "run", "--max-children", str(os.cpu_count() or 1)],
                          cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mutmut run failed ({done.returncode}): {done.stderr[-2000:]}")
    last = done.stdout.replace("\r", "\n").strip().splitlines()
    counts = _mutmut_counts(next(ln for ln in reversed(last) if "🎉" in ln))
    return {**counts, "wall": wall}


def _mutmut_counts(line: str) -> dict[str, float]:
    """mutmut's progress line: ``481/481  🎉 445 🫥 0  ⏰ 6  🤔 0  🙁 30  🔇 0 ...``."""
    def n(emoji: str) -> float:
        m = re.search(re.escape(emoji) + r"\s*(\d+)", line)
        return float(m[1]) if m else 0.0

    total = float(re.search(r"(\d+)/(\d+)", line)[2])  # type: ignore[index]
    return {"mutants": total, "killed": n("🎉"), "timeout": n("⏰"), "survived": n("🙁"),
            "no-tests": n("🫥"), "suspicious": n("🤔"), "skipped": n("🔇")}


def score(r: dict[str, float]) -> float:
    detected = r["killed"] + r["timeout"]
    return 100.0 * detected / max(1.0, detected + r["survived"] + r["no-tests"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="itertoolz")
    parser.add_argument("--skip-mutmut", action="store_true")
    args = parser.parse_args()
    tree = fetch_toolz()
    print(f"project: {tree.name} (pip sdist), module toolz/{args.module}.py, "
          f"{os.cpu_count()} cores")
    results = {"hlopt mutate": run_hlopt(tree, args.module)}
    if not args.skip_mutmut and MUTMUT.exists():
        results["mutmut 3"] = run_mutmut(tree, args.module)
    print(f"{'tool':14} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} "
          f"{'score':>7} {'wall s':>8} {'mutants/s':>10}")
    for name, r in results.items():
        print(f"{name:14} {r['mutants']:8.0f} {r['killed']:7.0f} {r['timeout']:8.0f} "
              f"{r['survived']:9.0f} {score(r):6.1f}% {r['wall']:8.1f} "
              f"{r['mutants'] / r['wall']:10.1f}")
    if "mutmut 3" in results:
        h, m = results["hlopt mutate"], results["mutmut 3"]
        ratio = (h["mutants"] / h["wall"]) / (m["mutants"] / m["wall"])
        print(f"hlopt mutate / mutmut: {ratio:.1f}x the mutants per second, "
              f"{m['wall'] / h['wall']:.1f}x less wall time; score {score(h):.1f}% vs "
              f"{score(m):.1f}%")
    save(results)


def save(results: dict[str, dict[str, float]]) -> None:
    sys.path.insert(0, str(HERE.parent))
    from hlopt.core.report import Metric, Report

    report = Report("bench", "mutate_peers")
    for name, r in results.items():
        report.metrics += [Metric(f"{name}: mutants", "", r["mutants"], None),
                           Metric(f"{name}: score", "%", round(score(r), 2), None, "higher"),
                           Metric(f"{name}: wall time", "s", round(r["wall"], 2), None),
                           Metric(f"{name}: mutants per second", "1/s",
                                  round(r["mutants"] / r["wall"], 2), None, "higher")]
    out = HERE / "results" / "mutate_peers.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report.to_dict(), indent=2))
    print(f"wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
