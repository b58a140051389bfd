"""hlopt nativize on the kernels of bench/kernels/, beside Cython, mypyc and hand-written C.

Each kernel (bench/kernels/kNN_*.py) is plain, unannotated Python with an ``inputs()``
function: the first argument tuple is the benchmark input, the others are small, varied
ones. Per kernel, up to seven sides, all timed in one interleaved run:

- CPython: the unchanged function;
- Cython on the UNCHANGED file (``cythonize -i``, CFLAGS ``-O3 -ffp-contract=off``);
- mypyc on the annotated copy (bench/kernels/typed/, the annotations a person adds);
- hlopt: ``hlopt.nativize.run(Options(...))`` (its Cython backend) on a copy of the kernel
  with NO human typing (the types come from the calls recorded while ``inputs()`` runs),
  applied to the copy, so the nativized function is what importing the copy gives (its
  shim binds the extension). When the engine does not install it, the same pipeline is
  driven stage by stage and the speed of that build is shown, marked ``*``;
- hlopt-C, hlopt-Zig: the same with ``Options(backend="c")`` / ``backend="zig"``;
- hand-C: a CPython extension written by hand (bench/kernels/c/<stem>.c: METH_FASTCALL,
  lists read in place, Py_buffer for bytes), built with the machine's cc ``-O3
  -ffp-contract=off``.

The last three run only on the kernels inside the C/Zig subset (hlopt's IR decides, typed
from the same recorded calls); for the others the table shows "-" and the refusal is
printed under it. A second table gives, per subset kernel, hlopt-C's, hlopt-Zig's and
hlopt's (Cython) time per call relative to hand-C.

Every side's result on every input must equal CPython's (floats bit for bit, same types,
same exception types); a difference is printed. Times are the best of N repeats of this
thread's CPU time (``--clock wall`` for elapsed time), interleaved across the sides in one
run. Builds go to bench/.cache/nativize_kernels/.

Targets (issue 5): hlopt median >= 25x over CPython with no human typing, no kernel slower
than Cython on the unchanged file, every kernel verified equal. Targets (issue 6): on
every kernel in the subset hlopt-C and hlopt-Zig within 1.5x of hand-C's time per call,
never slower than hlopt's Cython backend, verified equal and installed.

    .venv/bin/python bench/nativize_kernels.py [--kernels k01,k05] [--repeats 9]
        [--skip mypyc,cython,hlopt,c,zig,handc] [--clock cpu|wall] [--markdown notes.md]

Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # kernels/_sides.py, whether run as a script or imported

from kernels._sides import (  # noqa: E402
    CACHE,
    KERNELS,
    build_cython,
    build_handc,
    build_mypyc,
    describe_diff,
    kernel_names,
    load_python,
    outcome,
)
from kernels._subset_report import (  # noqa: E402
    HLOPT_SIDES,
    SUBSET_SIDES,
    installed,
    native_targets,
    outside,
    subset_table,
)

TARGET_MEDIAN = 25.0
SIDES = ("CPython", "Cython-unchanged", "mypyc", "hlopt", "hlopt-C", "hlopt-Zig", "hand-C")
#: --skip words -> the side they skip
SKIP_WORDS = {"cython": "Cython-unchanged", "mypyc": "mypyc", "hlopt": "hlopt",
              "c": "hlopt-C", "hlopt-c": "hlopt-C", "zig": "hlopt-Zig", "hlopt-zig": "hlopt-Zig",
              "handc": "hand-C", "hand-c": "hand-C"}


@dataclass
class Kernel:
    stem: str
    func: str
    python: object
    inputs: list[tuple]
    sides: dict[str, object] = field(default_factory=dict)  # side -> callable
    failed: dict[str, str] = field(default_factory=dict)  # side -> why
    mismatches: dict[str, list[str]] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)  # side -> seconds per call
    times: dict[str, list[float]] = field(default_factory=dict)  # side -> every repeat's
    infos: dict[str, dict] = field(default_factory=dict)  # hlopt side -> what its run said
    #: "" inside the C/Zig subset, else the IR's refusal; None when not checked
    outside: str | None = None

    @property
    def hlopt_info(self) -> dict:
        return self.infos.get("hlopt", {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default="", help="comma-separated stems or prefixes")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--budget", type=float, default=0.02,
                        help="seconds of calls per timed repeat per side")
    parser.add_argument("--skip", default="",
                        help="sides to skip: cython,mypyc,hlopt,c,zig,handc")
    parser.add_argument("--examples", type=int, default=200,
                        help="hypothesis inputs hlopt verifies on top of the recorded ones")
    parser.add_argument("--hlopt-timeout", type=float, default=600.0,
                        help="seconds one kernel's hlopt nativize run may take")
    parser.add_argument("--markdown", type=Path, help="also write the table there")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: this thread's CPU time (steadier on a shared, loaded "
                             "machine); wall: elapsed time")
    opts = parser.parse_args()
    global CLOCK
    CLOCK = CLOCKS[opts.clock]
    kernels = load_kernels(opts.kernels)
    skip = skipped_sides(opts.skip, parser)
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if any(side not in skip for side in SUBSET_SIDES):
        find_subset(kernels)
    build_peers(kernels, skip)
    for side in HLOPT_SIDES:
        if side not in skip:
            build_hlopt(kernels, side, opts.examples, opts.hlopt_timeout)
    print(f"built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    for k in kernels:
        check(k)
        timeit_sides(k, opts.repeats, opts.budget)
    lines = report(kernels, opts)
    print("\n".join(lines))
    if opts.markdown:
        write_markdown(opts.markdown, lines, kernels)


def load_kernels(selection: str) -> list[Kernel]:
    wanted = [s.strip() for s in selection.split(",") if s.strip()]
    out = []
    for stem in kernel_names():
        if wanted and not any(stem.startswith(w) for w in wanted):
            continue
        module = load_python(KERNELS / f"{stem}.py", f"_bench_kernel_{stem}")
        func = module.__all__[0]
        k = Kernel(stem, func, getattr(module, func), list(module.inputs()))
        k.sides["CPython"] = k.python
        out.append(k)
    return out


def skipped_sides(text: str, parser: argparse.ArgumentParser) -> set[str]:
    words = {w.strip().lower() for w in text.split(",") if w.strip()}
    unknown = sorted(words - set(SKIP_WORDS))
    if unknown:
        parser.error(f"--skip {','.join(unknown)}: choose from {', '.join(SKIP_WORDS)}")
    return {SKIP_WORDS[w] for w in words}


def find_subset(kernels: list[Kernel]) -> None:
    """Which kernels the C/Zig backends take (typed from their inputs' calls, as hlopt does)."""
    from kernels._hlopt_side import subset_refusal

    for k in kernels:
        k.outside = subset_refusal(k.stem, k.func)


def build_peers(kernels: list[Kernel], skip: set[str]) -> None:
    """Cython (unchanged file), mypyc (annotated file) and hand-written C (kernels inside
    the C/Zig subset), two builds at a time."""
    builders = {"Cython-unchanged": build_cython, "mypyc": build_mypyc, "hand-C": build_handc}
    jobs = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for k in kernels:
            for side, builder in builders.items():
                if side not in skip and (side != "hand-C" or k.outside == ""):
                    jobs.append((k, side, pool.submit(builder, k.stem, k.func)))
        for k, side, job in jobs:
            fn, why = job.result()
            if fn is None:
                k.failed[side] = why
            else:
                k.sides[side] = fn


def build_hlopt(kernels: list[Kernel], side: str, examples: int, timeout: float) -> None:
    """``hlopt nativize --backend ...`` of ``side`` on every kernel it applies to."""
    from kernels._hlopt_side import nativize

    backend = HLOPT_SIDES[side]
    for k in kernels:
        if side in SUBSET_SIDES and k.outside != "":
            continue
        print(f"hlopt nativize --backend {backend} {k.stem}:{k.func} ...", file=sys.stderr)
        t0 = time.perf_counter()
        fn, info = nativize(k.stem, k.func, examples, timeout, backend=backend)
        info.setdefault("notes", []).append(f"pipeline took {time.perf_counter() - t0:.0f} s")
        k.infos[side] = info
        if not info.get("installed"):
            k.failed[side] = str(info.get("error", "not installed (no reason given)"))
        if fn is not None:
            k.sides[side] = fn


def check(k: Kernel) -> None:
    """Every side on every input against CPython: same value (floats bit for bit)."""
    expected = [outcome(k.python, args) for args in k.inputs]
    for side, fn in k.sides.items():
        if side == "CPython":
            continue
        bad = []
        for args, want in zip(k.inputs, expected, strict=True):
            got = outcome(fn, args)
            diff = describe_diff(want, got)
            if diff:
                bad.append(f"{k.func}{_short_args(args)}: {diff}")
        if bad:
            k.mismatches[side] = bad


def _short_args(args: tuple) -> str:
    text = repr(args)
    return text if len(text) <= 60 else text[:57] + "..."


def timeit_sides(k: Kernel, repeats: int, budget: float) -> None:
    """Best of ``repeats`` per side; each repeat runs every side once (interleaved)."""
    args = k.inputs[0]
    loops = {side: _calibrate(fn, args, budget) for side, fn in k.sides.items()}
    times: dict[str, list[float]] = {side: [] for side in k.sides}
    for _ in range(repeats):
        for side, fn in k.sides.items():
            times[side].append(_time(fn, args, loops[side]))
    k.times = times
    k.best = {side: min(ts) for side, ts in times.items()}


def _calibrate(fn, args: tuple, budget: float) -> int:
    n = 1
    while True:
        if _time(fn, args, n) * n >= budget / 2 or n >= 1 << 20:
            return max(1, n * 2)
        n *= 4


#: the timing clock (--clock): this thread's CPU time, or wall time
CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}
CLOCK = CLOCKS["cpu"]


def _time(fn, args: tuple, loops: int) -> float:
    clock = CLOCK
    start = clock()
    for _ in range(loops):
        fn(*args)
    return (clock() - start) / loops


def speedup(k: Kernel, side: str) -> float | None:
    if side not in k.best or "CPython" not in k.best:
        return None
    return k.best["CPython"] / k.best[side]


def report(kernels: list[Kernel], opts: argparse.Namespace) -> list[str]:
    lines = [f"{len(kernels)} kernels, Python {sys.version.split()[0]}, best of "
             f"{opts.repeats} interleaved repeats ({opts.clock} time); speedup = CPython "
             "time / side time",
             "",
             f"{'kernel':<30} {'CPython us':>11} {'Cython-unch.':>13} {'mypyc':>8} "
             f"{'hlopt':>8} {'hlopt-C':>8} {'hlopt-Zig':>9} {'hand-C':>8}  verified (hlopt)"]
    widths = (13, 8, 8, 8, 9, 8)
    for k in kernels:
        cells = "".join(f" {_cell(k, side):>{w}}" for side, w in zip(SIDES[1:], widths,
                                                                      strict=True))
        lines.append(f"{k.stem + ':' + k.func:<30} {k.best['CPython'] * 1e6:>11.1f}{cells}"
                     f"  {_verified(k)}")
    medians = "".join(f" {_median(kernels, side):>{w}}" for side, w in zip(SIDES[1:], widths,
                                                                           strict=True))
    lines.append(f"{'median':<30} {'':>11}{medians}")
    lines += ["(hlopt = its Cython backend; * hlopt did not install it: speed of its generated "
              "build, bound without hlopt's verify; ! differs from CPython; - not run: the "
              "C/Zig sides run on kernels inside the subset only)", ""]
    lines += problems(kernels) + outside(kernels) + [""] + subset_table(kernels)
    lines += targets(kernels) + native_targets(kernels)
    return lines


def _cell(k: Kernel, side: str) -> str:
    s = speedup(k, side)
    if s is None:
        return "failed" if side in k.failed else "-"
    mark = "*" if side in HLOPT_SIDES and not installed(k, side) else ""
    return f"{s:.1f}x{mark}" + ("!" if side in k.mismatches else "")


def _verified(k: Kernel) -> str:
    if "hlopt" not in k.sides:
        return "-"
    mine = "MISMATCH" if "hlopt" in k.mismatches else f"equal on {len(k.inputs)}"
    hl = k.hlopt_info.get("verified")
    hl = f"hlopt: {hl}" if hl else "hlopt: not verified"
    return f"{mine}; {hl}" + ("" if installed(k) else "; NOT installed")


def _median(kernels: list[Kernel], side: str) -> str:
    values = [s for k in kernels if (s := speedup(k, side)) is not None]
    return f"{statistics.median(values):.1f}x" if values else "-"


def problems(kernels: list[Kernel]) -> list[str]:
    out = []
    for k in kernels:
        for side, why in k.failed.items():
            out.append(f"{k.stem} {side} failed: {why}")
        for side, bad in k.mismatches.items():
            out += [f"{k.stem} {side} MISMATCH {b}" for b in bad[:3]]
    for k in kernels:
        for side, info in k.infos.items():
            out += [f"{k.stem} {side}: {note}" for note in info.get("notes", [])]
    return out or ["no build failures, no mismatches"]


def hlopt_speedups(kernels: list[Kernel]) -> list[float]:
    """hlopt's speedup per kernel; a kernel it could not nativize counts 1.0x (Python runs)."""
    out = []
    for k in kernels:
        ok = installed(k) and "hlopt" not in k.mismatches
        out.append(speedup(k, "hlopt") or 1.0 if ok else 1.0)
    return out


def targets(kernels: list[Kernel]) -> list[str]:
    if not any("hlopt" in k.sides or "hlopt" in k.failed for k in kernels):
        return ["targets: hlopt side skipped"]
    med = statistics.median(hlopt_speedups(kernels))
    effective = dict(zip([k.stem for k in kernels], hlopt_speedups(kernels), strict=True))
    slower = [k.stem for k in kernels if "Cython-unchanged" in k.best and
              effective[k.stem] < (speedup(k, "Cython-unchanged") or 0.0)]
    unverified = [k.stem for k in kernels if not installed(k) or "hlopt" in k.mismatches
                  or not k.hlopt_info.get("ok")]
    return [
        f"target: hlopt median >= {TARGET_MEDIAN:.0f}x (kernels not installed count 1x): "
        f"{med:.1f}x  {'PASS' if med >= TARGET_MEDIAN else 'MISS'}",
        "target: no kernel slower than Cython on the unchanged file: "
        + ("PASS" if not slower else f"MISS ({', '.join(slower)})"),
        "target: every kernel verified equal: "
        + ("PASS" if not unverified else f"MISS ({', '.join(unverified)})"),
    ]


def write_markdown(path: Path, lines: list[str], kernels: list[Kernel]) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M")
    body = [f"# nativize kernels: latest results ({stamp})", "",
            "Written by `bench/nativize_kernels.py --markdown`.", "", "```", *lines, "```", ""]
    for k in kernels:
        for side, info in k.infos.items():
            parts = [f"{key} {info[key]}" for key in ("typing", "build", "verified")
                     if info.get(key)]
            if parts:
                body.append(f"- {k.stem} {side}: " + "; ".join(parts))
    path.write_text("\n".join(body) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        print("note: no cc/gcc on PATH; Cython and mypyc builds will fail", file=sys.stderr)
    main()
