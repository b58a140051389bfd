"""Instruction counts of a statement loop or a command: valgrind's callgrind, else ``perf``.

Counts are taken with ``PYTHONHASHSEED=0`` so that two runs of the same code execute the
same instructions. For a callable only the statement loop is counted:

* **callgrind** runs one child that calls ``os.ctermid()`` right before and right after
  each loop; ``--dump-before=ctermid`` writes out (and resets) the counters at each call,
  so every loop is one dump of its own. The child runs a warm-up loop, an empty loop and
  the measured loop; per iteration = (measured dump - empty dump) / loops, so the loop's
  own entry and exit cancel. Exactly six dumps must appear, which catches a statement
  that calls the marker itself.
* **perf stat** cannot see markers, so it counts two whole runs, one with an empty
  measured loop and one with ``loops`` iterations, and subtracts them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hlopt.bench.model import CallableSpec, CommandSpec
from hlopt.core.errors import InputError, ToolchainError

#: the libc function the runner calls right before and right after a measured loop
#: (through os.ctermid(): pure libc, no system call, and called by nothing else)
MARKER = "ctermid"
#: identical hash seeds make dict and set layouts, hence the instructions, repeatable
DETERMINISTIC_ENV = {"PYTHONHASHSEED": "0"}
#: instrumented code runs 20-100x slower than native: scale the user's --timeout
SLOWDOWN = 100.0
_INSTALL = ("install valgrind (`sudo apt-get install valgrind`, or "
            "`./scripts/install-system-tools.sh`), or allow perf (kernel.perf_event_paranoid <= 2)")


@dataclass(frozen=True)
class Counter:
    """A working instruction counter: ``callgrind`` or ``perf``."""

    tool: str
    path: str

    def count_callable(self, spec: CallableSpec, loops: int, timeout: float) -> float:
        """Instructions per iteration of the statement loop."""
        if self.tool == "callgrind":
            return _callgrind_callable(self.path, spec, loops, timeout)
        return _perf_callable(self.path, spec, loops, timeout)

    def count_command(self, spec: CommandSpec, timeout: float) -> float:
        """Instructions of one whole run of the command (children included)."""
        if self.tool == "callgrind":
            return _callgrind_command(self.path, spec, timeout)
        return _perf_command(self.path, spec, timeout)


@cache
def find_counter() -> Counter:
    """valgrind when it runs here, else perf when the kernel lets us count; else an error."""
    reasons = []
    for probe in (_probe_valgrind, _probe_perf):
        counter, reason = probe()
        if counter is not None:
            return counter
        reasons.append(reason)
    raise ToolchainError("instruction counts need valgrind or perf: " + "; ".join(reasons),
                         hint=_INSTALL + "; or measure --metric wall")


def _probe_valgrind() -> tuple[Counter | None, str]:
    path = shutil.which("valgrind")
    if path is None:
        return None, "valgrind is not installed"
    done = _quiet([path, "--tool=callgrind", "--callgrind-out-file=/dev/null", _trivial()])
    if done.returncode != 0:
        return None, f"valgrind does not run here ({_last_line(done.stderr)})"
    return Counter("callgrind", path), ""


def _probe_perf() -> tuple[Counter | None, str]:
    path = shutil.which("perf")
    if path is None:
        return None, "perf is not installed"
    done = _quiet([path, "stat", "-x", ",", "-e", "instructions:u", _trivial()])
    value = parse_perf(done.stderr)
    if done.returncode != 0 or value is None:
        return None, f"perf cannot count instructions here ({_last_line(done.stderr)})"
    return Counter("perf", path), ""


def _trivial() -> str:
    """A program that exits at once, to try a tool on (``true``, found or by its path)."""
    return shutil.which("true") or "/bin/true"


def _quiet(args: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(args, 1, "", str(exc))


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].strip()[:160] if lines else "no output"


def _callgrind_args(path: str, out: Path, *extra: str) -> list[str]:
    return [path, "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no",
            "--compress-strings=no", *extra]


def _callgrind_callable(path: str, spec: CallableSpec, loops: int, timeout: float) -> float:
    from hlopt.bench.timer import run_child

    with tempfile.TemporaryDirectory(prefix="hlopt-callgrind-") as tmp:
        out = Path(tmp) / "cg.out"
        prefix = _callgrind_args(path, out, f"--dump-before={MARKER}")
        job = {"mode": "count", "loops": loops, "markers": True}
        run_child(spec, job, timeout=timeout * SLOWDOWN, prefix=prefix, env=DETERMINISTIC_ENV)
        dumps = sorted(Path(tmp).glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
        if [trigger(p) for p in dumps] != [MARKER] * 6:
            raise InputError(f"{spec.label}: expected 6 callgrind dumps at os.ctermid(), got "
                             f"{len(dumps)}", hint="the statement calls os.ctermid(), which "
                             "hlopt uses as its marker; measure --metric wall instead")
        # dumps end: start-up, warm-up loop, gap, empty loop, gap, measured loop
        empty, measured = parse_callgrind(dumps[3]), parse_callgrind(dumps[5])
    return (measured - empty) / loops


def _callgrind_command(path: str, spec: CommandSpec, timeout: float) -> float:
    from hlopt.bench.timer import child_env

    with tempfile.TemporaryDirectory(prefix="hlopt-callgrind-") as tmp:
        args = _callgrind_args(path, Path(tmp) / "cg.%p", "--trace-children=yes")
        _run_counted([*args, *spec.argv], spec, timeout, child_env((), {**spec.env,
                                                                         **DETERMINISTIC_ENV}))
        return float(sum(parse_callgrind(p) for p in Path(tmp).glob("cg.*")))


def _perf_callable(path: str, spec: CallableSpec, loops: int, timeout: float) -> float:
    from hlopt.bench.timer import run_child

    counts = []
    with tempfile.TemporaryDirectory(prefix="hlopt-perf-") as tmp:
        for n in (0, loops):
            out = Path(tmp) / f"perf-{n}.csv"
            prefix = [path, "stat", "-x", ",", "-e", "instructions:u", "-o", str(out), "--"]
            job = {"mode": "count", "loops": n, "markers": False}
            run_child(spec, job, timeout=timeout * 2, prefix=prefix, env=DETERMINISTIC_ENV)
            counts.append(_perf_value(out))
    return (counts[1] - counts[0]) / loops


def _perf_command(path: str, spec: CommandSpec, timeout: float) -> float:
    from hlopt.bench.timer import child_env

    with tempfile.TemporaryDirectory(prefix="hlopt-perf-") as tmp:
        out = Path(tmp) / "perf.csv"
        args = [path, "stat", "-x", ",", "-e", "instructions:u", "-o", str(out), "--"]
        _run_counted([*args, *spec.argv], spec, timeout,
                     child_env((), {**spec.env, **DETERMINISTIC_ENV}))
        return _perf_value(out)


def _run_counted(args: list[str], spec: CommandSpec, timeout: float,
                 env: dict[str, str]) -> None:
    from hlopt.core.run import run

    done = run(args, timeout=timeout * SLOWDOWN, cwd=spec.cwd, env=env)
    if done.timed_out:
        raise InputError(f"--cmd {spec.label}: did not finish under instrumentation within "
                         f"{timeout * SLOWDOWN:g} s", hint="raise --timeout")
    if done.returncode != 0:
        raise InputError(f"--cmd {spec.label}: exited with {done.returncode} under "
                         "instrumentation", hint=_last_line(done.stderr))


def _perf_value(out: Path) -> float:
    value = parse_perf(out.read_text(encoding="utf-8") if out.is_file() else "")
    if value is None:
        raise ToolchainError(f"perf wrote no instruction count to {out}", hint=_INSTALL)
    return value


def trigger(path: Path) -> str:
    """The function whose entry wrote this callgrind dump (``--dump-before=NAME``), or ""."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("desc: Trigger:"):
                return line.rpartition("--dump-before=")[2].strip() \
                    if "--dump-before=" in line else ""
            if line.startswith("events:"):  # the header, and its desc: lines, are over
                break
    return ""


def parse_callgrind(path: Path) -> float:
    """The event total of one callgrind dump (its ``summary:`` line, else ``totals:``)."""
    totals = None
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("summary:"):
                return float(line.split()[1])
            if line.startswith("totals:"):
                totals = float(line.split()[1])
    if totals is None:
        raise ToolchainError(f"no totals in callgrind output {path}",
                             hint="check `valgrind --version` (3.15 or newer)")
    return totals


def parse_perf(text: str) -> float | None:
    """The count of the ``instructions`` line of ``perf stat -x ,`` output, if numeric."""
    for line in text.splitlines():
        fields = line.split(",")
        if len(fields) >= 3 and fields[2].startswith("instructions"):
            try:
                return float(fields[0])
            except ValueError:
                return None
    return None
