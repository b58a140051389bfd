"""The three kinds of benchmark target, each measured one round at a time in fresh processes.

* a callable (``pkg.mod:func`` with ``--setup``/``--stmt``), timed by the runner child;
* a whole command (``--cmd``), run once per round;
* a pytest-benchmark suite (a test directory or file), run once per round with
  ``--benchmark-json``; each benchmark's fastest round is that round's sample.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hlopt.bench.instructions import Counter
from hlopt.bench.model import CallableSpec, CommandSpec, Spec, SuiteSpec
from hlopt.core.errors import InputError, UsageError

#: timed loops per child process (after one warm-up loop): at least, at most, and the
#: time they should take together
MIN_VALUES, MAX_VALUES, BUDGET = 3, 200, 0.1
#: variables an enclosing pytest run sets; pytest-benchmark disables itself when it sees
#: PYTEST_XDIST_WORKER, so the suite we run must not inherit them
_PARENT_PYTEST = ("PYTEST_XDIST_", "PYTEST_CURRENT_TEST")
#: one round's measurements: {benchmark: {metric: value}}
RoundValues = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Calibration:
    """A callable side's calibration: calls per timed loop, and seconds per call."""

    loops: int
    per_call: float


@dataclass(frozen=True)
class Plan:
    """What every side's child times: ``values`` loops of ``loops`` calls each.

    Both sides of a comparison get the same plan: the fastest of N loops of L calls is a
    statistic whose bias depends on N and L, so equal N and L keep it from favouring a side.
    """

    loops: int
    values: int


def make_plan(calibrations: Sequence[Calibration | None]) -> Plan | None:
    """The common plan: the smallest loop count (the slowest side's), and as many loops as
    fit the slowest side into BUDGET."""
    if not calibrations or any(c is None for c in calibrations):
        return None
    known = [c for c in calibrations if c is not None]
    loops = min(c.loops for c in known)
    slowest = max(c.per_call for c in known) * loops
    values = int(BUDGET / slowest) if slowest > 0 else MAX_VALUES
    return Plan(loops, max(MIN_VALUES, min(MAX_VALUES, values)))


class Side(Protocol):
    """One side of a comparison (or the only side of a measurement)."""

    label: str
    #: metrics this kind of target can measure
    supports: tuple[str, ...]

    def calibrate(self, min_time: float) -> Calibration | None: ...

    def measure(self, plan: Plan | None, seed: int) -> RoundValues: ...

    def count(self, counter: Counter, loops: int | None) -> RoundValues: ...


class CallableSide:
    """A statement loop timed by the runner child, one child per round."""

    supports = ("wall", "cpu", "rss", "instructions")

    def __init__(self, spec: CallableSpec, key: str, timeout: float) -> None:
        self.spec, self.key, self.timeout = spec, key, timeout
        self.label = spec.label
        self.source: tuple[str, int] | None = None

    def calibrate(self, min_time: float) -> Calibration:
        """Calls per timed loop so that one loop lasts ``min_time`` (timeit's autorange)."""
        from hlopt.bench.timer import run_child

        job = {"mode": "calibrate", "min_time_ns": int(min_time * 1e9)}
        result = run_child(self.spec, job, timeout=self.timeout)
        if result.get("source"):
            self.source = (str(result["source"][0]), int(result["source"][1]))
        return Calibration(int(result["loops"]), result["wall_ns"][0] / 1e9)

    def measure(self, plan: Plan | None, seed: int) -> RoundValues:
        """One round: a warm-up, then the plan's timed loops; the fastest is the value.

        Interference on a shared machine only ever adds time, so the fastest of several
        back-to-back loops is the best estimate of the undisturbed cost; rounds in which
        every loop was disturbed become outlying ratios, which the median discards.
        """
        from hlopt.bench.timer import run_child

        plan = plan or Plan(1, MIN_VALUES)
        job = {"mode": "time", "loops": plan.loops, "warmups": 1, "values": plan.values}
        r = run_child(self.spec, job, timeout=self.timeout, env=seed_env(seed))
        return {self.key: {"wall": min(r["wall_ns"]) / 1e9, "cpu": min(r["cpu_ns"]) / 1e9,
                           "rss": r["maxrss_kib"] * 1024.0}}

    def count(self, counter: Counter, loops: int | None) -> RoundValues:
        return {self.key: {"instructions": counter.count_callable(self.spec, loops or 1,
                                                                  self.timeout)}}


class CommandSide:
    """A whole command, run once per round (after one warm-up run)."""

    supports = ("wall", "cpu", "rss", "instructions")

    def __init__(self, spec: CommandSpec, key: str, timeout: float) -> None:
        self.spec, self.key, self.timeout = spec, key, timeout
        self.label = spec.label

    def calibrate(self, min_time: float) -> None:
        """A warm-up run: fills the page cache, writes .pyc files, finds a failing command."""
        from hlopt.bench.timer import run_command

        run_command(self.spec, timeout=self.timeout)

    def measure(self, plan: Plan | None, seed: int) -> RoundValues:
        from hlopt.bench.timer import run_command

        r = run_command(self.spec, timeout=self.timeout, env=seed_env(seed))
        return {self.key: {"wall": r.wall, "cpu": r.cpu, "rss": r.rss}}

    def count(self, counter: Counter, loops: int | None) -> RoundValues:
        return {self.key: {"instructions": counter.count_command(self.spec, self.timeout)}}


class SuiteSide:
    """A pytest-benchmark suite, run whole once per round; each benchmark's minimum counts."""

    supports = ("wall",)

    def __init__(self, spec: SuiteSpec, timeout: float) -> None:
        self.spec, self.timeout = spec, timeout
        self.label = spec.label
        self._xdist: bool | None = None

    def calibrate(self, min_time: float) -> None:
        self._xdist = _has_module(self.python, "xdist", self.spec)
        if not _has_module(self.python, "pytest_benchmark", self.spec):
            raise UsageError(f"{self.label}: pytest-benchmark is not installed for "
                             f"{self.python}", hint="pip install pytest-benchmark")

    @property
    def python(self) -> str:
        from hlopt.core.run import find_interpreter

        return str(self.spec.python or find_interpreter(self.spec.cwd))

    def measure(self, plan: Plan | None, seed: int) -> RoundValues:
        from hlopt.bench.pytest_json import read_pytest_json

        with tempfile.TemporaryDirectory(prefix="hlopt-bench-pytest-") as tmp:
            out = Path(tmp) / "bench.json"
            self._run_pytest(out, seed)
            benches = read_pytest_json(out)
        if not benches:
            raise InputError(f"{self.label}: pytest ran no benchmark",
                             hint="tests must use the `benchmark` fixture of pytest-benchmark")
        return {b.fullname: {"wall": b.stats["min"]} for b in benches}

    def _run_pytest(self, out: Path, seed: int) -> None:
        from hlopt.bench.timer import child_env
        from hlopt.core.run import run

        args = [self.python, "-m", "pytest", str(self.spec.path), "--benchmark-only",
                f"--benchmark-json={out}", "-q", "-p", "no:cacheprovider"]
        if self._xdist:
            args += ["-n", "0"]  # benchmarks are skipped when xdist distributes them
        env = {k: v for k, v in child_env(self.spec.paths, seed_env(seed)).items()
               if not k.startswith(_PARENT_PYTEST)}
        done = run(args, timeout=self.timeout, cwd=self.spec.cwd, env=env)
        if done.timed_out:
            raise InputError(f"{self.label}: pytest did not finish within {self.timeout:g} s "
                             "(--timeout)", hint="raise --timeout")
        if done.returncode != 0 or not out.is_file():
            tail = [ln for ln in done.stdout.strip().splitlines() if ln.strip()][-1:]
            raise InputError(f"{self.label}: pytest exited with {done.returncode}"
                             + (f": {tail[0]}" if tail else ""),
                             hint=f"run `python -m pytest {self.spec.path}` to see the failure")

    def count(self, counter: Counter, loops: int | None) -> RoundValues:
        raise UsageError("pytest-benchmark suites are measured in wall time only",
                         hint="count instructions of a callable (pkg.mod:func) or a --cmd")


def seed_env(seed: int) -> dict[str, str]:
    """The round's hash seed: the same for both sides of a round, different across rounds.

    String hashes decide dict probe sequences, so a seed can make code a few percent
    faster or slower; sharing it within a pair cancels that, varying it across rounds
    keeps the result from depending on one lucky seed.
    """
    return {"PYTHONHASHSEED": str(seed)}


def _has_module(python: str, name: str, spec: SuiteSpec) -> bool:
    from hlopt.bench.timer import child_env
    from hlopt.core.run import run

    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    done = run([python, "-c", code], timeout=60, cwd=spec.cwd, env=child_env(spec.paths))
    return done.returncode == 0


def make_side(spec: Spec, key: str, timeout: float) -> Side:
    """The Side that measures ``spec``; ``key`` names its benchmark (both sides share it)."""
    if isinstance(spec, CallableSpec):
        return CallableSide(spec, key, timeout)
    if isinstance(spec, CommandSpec):
        return CommandSide(spec, key, timeout)
    return SuiteSide(spec, timeout)


def parse_target(text: str | None, cwd: Path) -> str:
    """"callable", "suite" or "stmt": what kind of target the TARGET argument names."""
    if text is None:
        return "stmt"
    if (cwd / text).exists() and (Path(cwd / text).is_dir() or text.endswith(".py")):
        return "suite"
    module, sep, attr = text.partition(":")
    if sep and module and attr and all(p.isidentifier() for p in module.split(".")) and all(
            p.isidentifier() for p in attr.split(".")):
        return "callable"
    raise UsageError(f"target {text!r} is neither pkg.mod:func nor a test path",
                     hint="give a callable (pkg.mod:func), a pytest-benchmark test directory "
                     "or file, or use --cmd 'command' / --stmt 'code'")
