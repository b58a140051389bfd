"""Overhead of `hlopt profile`: profiled / unprofiled CPU time, beside the plain engines.

Runs the mixed workload (bench/workloads/mixed.py) unprofiled, under plain py-spy,
pyinstrument and cProfile (each with the options hlopt gives it), and under
`hlopt profile --engine X` for each engine, interleaved, several times, in one run. CPU
time is that of the whole process tree (the profiler, hlopt itself and the program),
taken from the children's rusage, so a profiler that runs outside the program pays too.

The CLI configurations include the command line's own start-up (Python, typer, its
parameter coercion); "hlopt API run()" makes the same default run through
`hlopt.profile.run(Options(...))`, what the MCP server calls, to show that part apart.

Targets: hlopt adds no more than 5% over the engine it drives, and the default run
(`hlopt profile app.py`: py-spy, wall mode, 100 Hz) costs at most 1.15x the unprofiled
program. `--memo` runs the program a second time, traced; its cost is printed apart.

    .venv/bin/python bench/profile_overhead.py [--scale 3] [--runs 5]

Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKLOAD = str(HERE / "workloads" / "mixed.py")
PY = sys.executable


def configs(tmp: str, scale: str) -> dict[str, list[str]]:
    prog = [WORKLOAD, "--scale", scale]
    hlopt = [PY, "-m", "hlopt", "profile", "--format", "json"]
    py_spy = os.environ.get("HLOPT_PY_SPY") or shutil.which("py-spy") or \
        str(Path(PY).parent / "py-spy")
    return {
        "unprofiled": [PY, *prog],
        "py-spy": [py_spy, "record", "--idle", "--rate", "100", "--format", "speedscope",
                   "--full-filenames", "-o", f"{tmp}/s.json", "--", PY, *prog],
        "hlopt (default: py-spy)": [*hlopt, *prog[:1], "--", *prog[1:]],
        API: [PY, "-c", "import sys; from hlopt.profile import Options, run; "
              "from hlopt.core.render.json import render_json; "
              "render_json(run(Options(argv=tuple(sys.argv[1:]))), sys.stdout)", *prog],
        "pyinstrument": [PY, "-m", "pyinstrument", "-r", "pyisession", "-o", f"{tmp}/p",
                         *prog],
        "hlopt --engine pyinstrument": [*hlopt, "--engine", "pyinstrument", *prog[:1], "--",
                                        *prog[1:]],
        "cProfile": [PY, "-m", "cProfile", "-o", f"{tmp}/c.pstats", *prog],
        "hlopt --engine cprofile": [*hlopt, "--engine", "cprofile", *prog[:1], "--",
                                    *prog[1:]],
        MEMO: [*hlopt, "--memo", *prog[:1], "--", *prog[1:]],
    }


MEMO = "hlopt --memo (two runs)"
#: the same default run through the Python API (what the MCP server calls): no CLI layer
API = "hlopt API run() (py-spy)"
#: which plain engine each hlopt configuration drives
DRIVES = {"hlopt (default: py-spy)": "py-spy", API: "py-spy",
          "hlopt --engine pyinstrument": "pyinstrument",
          "hlopt --engine cprofile": "cProfile"}


def measure(args: list[str]) -> tuple[float, float] | None:
    """Wall and CPU seconds of one run of ``args`` and all its descendants."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(f"  failed ({proc.returncode}): {' '.join(args[:4])} ...: "
              f"{proc.stderr.decode(errors='replace').strip().splitlines()[-1:]}")
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memo-runs", type=int, default=1,
                        help="rounds that include the (slow) --memo configuration")
    opts = parser.parse_args()
    rounds: list[dict[str, tuple[float, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        table = configs(tmp, opts.scale)
        for i in range(opts.runs):  # interleaved: drift hits every configuration alike
            print(f"round {i + 1}/{opts.runs}", file=sys.stderr)
            row = {}
            for name, args in table.items():
                if name == MEMO and i >= opts.memo_runs:
                    continue
                got = measure(args)
                if got is not None:
                    row[name] = got
            rounds.append(row)
    report(rounds, list(table), opts)


def paired(rounds: list[dict[str, tuple[float, float]]], a: str, b: str,
           index: int) -> float | None:
    """Median over rounds of a/b (index 0 wall, 1 CPU): pairs share the machine's state."""
    ratios = [r[a][index] / r[b][index] for r in rounds if a in r and b in r]
    return statistics.median(ratios) if ratios else None


def report(rounds: list[dict[str, tuple[float, float]]], names: list[str],
           opts: argparse.Namespace) -> None:
    print(f"mixed workload --scale {opts.scale}, {opts.runs} interleaved rounds, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; ratios are medians of "
          "per-round ratios")
    print(f"{'configuration':<28} {'wall s':>7} {'CPU s':>7} {'CPU x':>7} {'wall x':>7} "
          f"{'vs engine (CPU)':>22}")
    for name in names:
        values = [r[name] for r in rounds if name in r]
        if not values:
            continue
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        cpu_x = paired(rounds, name, "unprofiled", 1) or 0.0
        wall_x = paired(rounds, name, "unprofiled", 0) or 0.0
        engine = DRIVES.get(name)
        vs = paired(rounds, name, engine, 1) if engine else None
        extra = statistics.median(r[name][1] - r[engine][1] for r in rounds
                                  if name in r and engine in r) if vs else 0.0
        tail = f"{vs:.3f}x {engine} ({extra:+.2f} s)" if vs else ""
        print(f"{name:<28} {wall:>7.2f} {cpu:>7.2f} {cpu_x:>7.3f} {wall_x:>7.3f} {tail:>22}")
    default = paired(rounds, "hlopt (default: py-spy)", "unprofiled", 1)
    if default:
        print(f"\ndefault run: {default:.3f}x the unprofiled CPU time (target <= 1.15x)")
    for name, engine in DRIVES.items():
        vs = paired(rounds, name, engine, 1)
        if vs:
            print(f"{name} over plain {engine}: {vs - 1:+.1%} CPU at this length "
                  "(target <= +5%)")


if __name__ == "__main__":
    main()
