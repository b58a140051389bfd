"""``hlopt bench`` end to end: options -> sides -> interleaved rounds -> report and files."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from hlopt.bench.compare import alias, measure
from hlopt.bench.model import (
    METRICS,
    CallableSpec,
    CommandSpec,
    Comparison,
    Options,
    Spec,
    SuiteSpec,
)
from hlopt.bench.targets import make_side, parse_target
from hlopt.bench.verdicts import to_findings, to_metric
from hlopt.core.errors import UsageError
from hlopt.core.report import Artifact, Report

_METHOD = ("ratios are after/before; significant = 95% bootstrap CI excludes 1.0, the "
           "sign test (Mann-Whitney against a baseline) gives p < 0.05, and the change "
           "is beyond the noise floor")


def run(options: Options) -> Report:
    """Measure what ``options`` names, compare it, and report verdicts and metrics."""
    started = time.perf_counter()
    check(options)
    cwd = options.cwd.resolve()
    kind = "command" if options.cmd else parse_target(options.target, cwd)
    check_kind(options, kind)
    metrics = choose_metrics(options, kind)
    if options.benchmark_json is not None and "wall" not in metrics:
        raise UsageError("--benchmark-json writes wall-time samples; --metric wall is not "
                         "measured", hint="add --metric wall")
    current = make_spec(options, kind, cwd)
    comparison, label = measure_all(options, current, metrics, cwd)
    report = Report("bench", label, notes=[*comparison.notes, _METHOD])
    fill(report, comparison, options)
    write_outputs(report, comparison, options)
    report.duration_s = time.perf_counter() - started
    if options.save is not None:
        options.save.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return report


def check(o: Options) -> None:
    """Reject option combinations that cannot mean anything."""
    if o.cmd is not None and o.target is not None:
        raise UsageError("give a TARGET or --cmd, not both", hint="see `hlopt bench --help`")
    if o.cmd is None and o.target is None and o.stmt is None:
        raise UsageError("nothing to measure", hint="give pkg.mod:func, a pytest-benchmark "
                         "test path, --stmt 'code' or --cmd 'command'")
    if sum(x is not None for x in (o.against, o.baseline, o.ref)) > 1:
        raise UsageError("--against, --baseline and --ref are alternatives; give one",
                         hint="compare with one thing at a time")
    if o.fail_if_slower is not None and o.against is None and o.baseline is None \
            and o.ref is None:
        raise UsageError("--fail-if-slower needs something to compare with",
                         hint="add --against, --baseline or --ref")
    if o.rounds is not None and o.rounds < 1:
        raise UsageError(f"--rounds {o.rounds}: must be at least 1", hint="the default is 20")
    if o.timeout <= 0:
        raise UsageError(f"--timeout {o.timeout:g}: must be positive", hint="seconds, e.g. 60")
    if o.chart is not None and o.chart.suffix.lower() not in (".svg", ".png"):
        raise UsageError(f"-o {o.chart}: the chart must be .svg or .png",
                         hint="e.g. -o bench.svg")


def check_kind(o: Options, kind: str) -> None:
    if kind == "command" and (o.setup or o.stmt is not None):
        raise UsageError("--setup and --stmt time Python code; --cmd times a command",
                         hint="put the setup into the command, or drop --cmd")
    if kind == "suite" and (o.setup or o.stmt is not None or o.against):
        raise UsageError(f"{o.target} is a pytest-benchmark suite: --setup, --stmt and "
                         "--against do not apply", hint="compare suites with --ref or --baseline")
    if kind == "stmt" and o.against:
        raise UsageError("--against needs a TARGET callable to compare with",
                         hint="e.g. hlopt bench mod:slow --against mod:fast")


def choose_metrics(o: Options, kind: str) -> tuple[str, ...]:
    """The requested metrics in order without repeats; default wall and RSS (wall: suites)."""
    chosen = o.metrics or (("wall",) if kind == "suite" else ("wall", "rss"))
    for m in chosen:
        if m not in METRICS:
            raise UsageError(f"unknown metric {m!r}", hint="choose from: " + ", ".join(METRICS))
    return tuple(dict.fromkeys(chosen))


def make_spec(o: Options, kind: str, cwd: Path) -> Spec:
    """The spec of the current tree (the after side, or the only one)."""
    if kind == "command":
        from hlopt.bench.timer import split_command

        return CommandSpec(split_command(o.cmd or ""), cwd)
    python = o.python or _interpreter(cwd)
    paths = _paths(cwd)
    if kind == "suite":
        return SuiteSpec(Path(o.target or "."), cwd, python, paths)
    return CallableSpec(o.target, o.setup, o.stmt, cwd, python, paths)


def _interpreter(cwd: Path) -> Path:
    from hlopt.core.run import find_interpreter

    return find_interpreter(cwd)


def _paths(cwd: Path) -> tuple[Path, ...]:
    """The project directory (and its src/ layout) first on the children's PYTHONPATH."""
    return (cwd, cwd / "src") if (cwd / "src").is_dir() else (cwd,)


def measure_all(o: Options, current: Spec, metrics: tuple[str, ...],
                cwd: Path) -> tuple[Comparison, str]:
    """Measure the sides the options name; the comparison and the report's target label."""
    key = current.label

    def go(*specs: Spec, name: str = key) -> Comparison:
        sides = [make_side(s, name, o.timeout) for s in specs]
        return measure(sides, metrics, rounds=o.rounds, noise_floor=o.noise_floor,
                       min_time=o.min_time, progress=o.progress)

    if o.ref is not None:
        from hlopt.bench.gitref import worktree

        with worktree(cwd, o.ref) as tree:
            comparison = go(relocate(current, cwd, tree), current)
        _relabel(comparison, o.ref, "working tree")
        return comparison, f"{key} ({o.ref} -> working tree)"
    if o.against is not None:
        before, other = against_specs(o, current)
        name = f"{current.label} -> {other.label}"
        return go(before, other, name=name), name
    if o.baseline is None:
        return go(current), key
    from hlopt.bench.baseline import compare_with, load_baseline

    baseline = load_baseline(o.baseline)  # a bad file fails before any measuring
    comparison = go(current)
    results, notes = compare_with(baseline, comparison.results, o.noise_floor)
    comparison.results, comparison.notes = results, [*comparison.notes, *notes]
    return comparison, f"{key} ({o.baseline} -> now)"


def against_specs(o: Options, current: Spec) -> tuple[Spec, Spec]:
    """The before (TARGET) and after (--against) specs."""
    if isinstance(current, CommandSpec):
        from hlopt.bench.timer import split_command

        return current, CommandSpec(split_command(o.against or ""), current.cwd)
    if not isinstance(current, CallableSpec) or ":" not in (o.against or "") \
            or parse_target(o.against, current.cwd) != "callable":
        raise UsageError(f"--against {o.against!r} is not pkg.mod:func",
                         hint="name the other callable, e.g. --against mod:fast")
    return alias(current, replace(current, target=o.against, names=()))


def relocate(spec: Spec, cwd: Path, tree: Path) -> Spec:
    """The same spec, run in the worktree directory that corresponds to ``cwd``."""
    if isinstance(spec, CommandSpec):
        return replace(spec, cwd=tree)
    paths = tuple(tree / p.relative_to(cwd) if p.is_relative_to(cwd) else p for p in spec.paths)
    return replace(spec, cwd=tree, paths=paths)


def _relabel(comparison: Comparison, before: str, after: str) -> None:
    comparison.results = [replace(r, before_label=before, after_label=after)
                          for r in comparison.results]


def fill(report: Report, comparison: Comparison, o: Options) -> None:
    multi = len({r.benchmark for r in comparison.results}) > 1
    for r in comparison.results:
        report.metrics.append(to_metric(r, multi))
        report.findings.extend(to_findings(r, o.fail_if_slower))


def write_outputs(report: Report, comparison: Comparison, o: Options) -> None:
    """The chart (-o), the pytest-benchmark JSON and the saved report, as artifacts."""
    if o.chart is not None:
        from hlopt.bench.chart import write_chart

        write_chart(o.chart, comparison.results, title=report.target)
        report.artifacts.append(Artifact("chart", o.chart, "before/after distributions"))
    if o.benchmark_json is not None:
        from hlopt.bench.pytest_json import from_results, write_pytest_json

        write_pytest_json(o.benchmark_json, from_results(comparison.results))
        report.artifacts.append(Artifact("pytest-benchmark-json", o.benchmark_json,
                                         "wall-time samples in pytest-benchmark's format"))
    if o.save is not None:
        report.artifacts.append(Artifact("report", o.save, "report with every round's "
                                         "samples (a --baseline for later runs)"))
