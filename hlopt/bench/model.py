"""The data of ``hlopt bench``: options, what a side runs, and the measured results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.bench.stats import Estimate, Summary, summarize
from hlopt.core.errors import UsageError
from hlopt.core.progress import Progress, no_progress


@dataclass(frozen=True)
class MetricKind:
    """How a metric is named, measured and judged."""

    key: str
    title: str
    #: unit of the raw samples ("s" per call, "B", instructions per call)
    unit: str
    #: relative change below which a difference is not reported as significant
    noise_floor: float


METRICS: dict[str, MetricKind] = {
    "wall": MetricKind("wall", "wall time", "s", 0.01),
    "cpu": MetricKind("cpu", "CPU time", "s", 0.01),
    "rss": MetricKind("rss", "peak RSS", "B", 0.01),
    "instructions": MetricKind("instructions", "instructions", "instructions", 0.001),
}
#: metrics measured by one timing child; instruction counts need valgrind or perf
TIMED = ("wall", "cpu", "rss")
#: the metrics a "slower" gate (--fail-if-slower) applies to; rss is memory, not speed
SPEED = ("wall", "cpu", "instructions")


@dataclass(frozen=True)
class Options:
    """What ``hlopt bench`` measures, against what, and how the result is reported."""

    #: "pkg.mod:func", a pytest-benchmark test path, or None (with --stmt or --cmd)
    target: str | None = None
    setup: str = ""
    stmt: str | None = None
    #: a whole command (hyperfine-style), split with shlex, run without a shell
    cmd: str | None = None
    #: the other side: a callable for callable targets, a command for --cmd
    against: str | None = None
    baseline: Path | None = None
    ref: str | None = None
    #: None: wall and rss (wall only for pytest suites)
    metrics: tuple[str, ...] | None = None
    #: None: 20 (callables), 10 (commands), 6 (pytest suites), 3 (callgrind counts)
    rounds: int | None = None
    timeout: float = 60.0
    #: fraction (0.05 = 5%); exit 1 when a speed metric is significantly slower by more
    fail_if_slower: float | None = None
    #: fraction overriding every metric's own noise floor
    noise_floor: float | None = None
    save: Path | None = None
    benchmark_json: Path | None = None
    chart: Path | None = None
    cwd: Path = Path(".")
    python: Path | None = None
    #: minimum duration of one timed loop in a child (seconds)
    min_time: float = 0.001
    progress: Progress = no_progress


@dataclass(frozen=True)
class CallableSpec:
    """A statement timed in fresh interpreters, with a target callable bound to names."""

    target: str | None = None
    setup: str = ""
    stmt: str | None = None
    cwd: Path = Path(".")
    python: Path | None = None
    #: prepended to PYTHONPATH (a worktree's root and src/, a build directory)
    paths: tuple[Path, ...] = ()
    #: further names the target is bound to (the other side's name, with --against)
    names: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.target or f"stmt {self.statement!r}"

    @property
    def statement(self) -> str:
        return self.stmt if self.stmt is not None else "target()"

    def own_name(self) -> tuple[str, ...]:
        """The callable's own name (``func`` of ``pkg.mod:func``), if there is a target."""
        return (self.target.partition(":")[2].rsplit(".", 1)[-1],) if self.target else ()

    def bound_names(self) -> list[str]:
        """``target``, then the callable's own name and the extra names, sorted."""
        if not self.target:
            return []
        return ["target", *sorted({*self.own_name(), *self.names} - {"target"})]


@dataclass(frozen=True)
class CommandSpec:
    """A whole command run once per round (hyperfine-style)."""

    argv: tuple[str, ...]
    cwd: Path = Path(".")
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        import shlex

        return shlex.join(self.argv)


@dataclass(frozen=True)
class SuiteSpec:
    """A pytest-benchmark suite (a test directory or file), run once per round."""

    path: Path
    cwd: Path = Path(".")
    python: Path | None = None
    paths: tuple[Path, ...] = ()

    @property
    def label(self) -> str:
        return str(self.path)


Spec = CallableSpec | CommandSpec | SuiteSpec


@dataclass(frozen=True)
class Result:
    """One benchmark's one metric: the raw samples of each side and the estimate."""

    benchmark: str
    metric: str
    after: tuple[float, ...]
    before: tuple[float, ...] | None = None
    estimate: Estimate | None = None
    floor: float = 0.0
    before_label: str = ""
    after_label: str = ""
    #: "paired" (interleaved rounds), "baseline" (unpaired) or "single"
    design: str = "single"
    #: [file, line] of the target's definition, when known
    source: tuple[str, int] | None = None

    @property
    def kind(self) -> MetricKind:
        return METRICS[self.metric]

    def summary(self, side: str = "after") -> Summary | None:
        values = self.after if side == "after" else self.before
        return summarize(values) if values else None

    def to_data(self) -> dict[str, object]:
        """The JSON-safe ``data`` of this result's finding (enough to be a baseline)."""
        est = self.estimate
        before, after = self.summary("before"), self.summary("after")
        return {
            "benchmark": self.benchmark,
            "metric": self.metric,
            "unit": self.kind.unit,
            "design": self.design,
            "before_label": self.before_label or None,
            "after_label": self.after_label,
            "before": {**before.to_dict(), "samples": list(self.before or ())} if before
            else None,
            "after": {**after.to_dict(), "samples": list(self.after)} if after else None,
            "ratio": est.ratio if est else None,
            "ci": list(est.ci) if est and est.ci else None,
            "significant": est.significant if est else None,
            "verdict": est.verdict if est else "measured",
            "p_value": est.p_value if est else None,
            "noise_floor": self.floor,
        }


@dataclass
class Comparison:
    """What :func:`hlopt.bench.compare` returns: every benchmark's every metric."""

    results: list[Result]
    rounds: int
    #: stmt iterations per timed loop of the first side (callables), None otherwise
    loops: int | None = None
    notes: list[str] = field(default_factory=list)

    def get(self, metric: str, benchmark: str | None = None) -> Result:
        """The result for ``metric`` (of ``benchmark``, or of the only benchmark)."""
        for r in self.results:
            if r.metric == metric and (benchmark is None or r.benchmark == benchmark):
                return r
        raise KeyError(f"no {metric} result for {benchmark or 'the benchmark'}")


def parse_fraction(text: str, option: str) -> float:
    """``5%``, ``5`` or ``0.05`` -> 0.05 (a bare number above 1 is read as percent)."""
    raw = text.strip()
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a percentage",
                         hint=f"write it as {option} 5%") from None
    if raw.endswith("%") or value >= 1:
        value /= 100
    if not 0 <= value < 10:
        raise UsageError(f"{option} {text!r} is out of range", hint="use 0% to 999%")
    return value
