"""The one measuring engine of hlopt: interleaved paired rounds in fresh processes.

Round *i* measures every side once, in the order A B on even rounds and B A on odd ones
(so a machine getting slower or faster during the run, and any "second one runs warmer"
effect, falls on both sides alike). Each measurement is a fresh process: a fresh heap,
fresh caches, a fresh hash seed. Instruction counts do not depend on the machine's load,
so they run in parallel instead.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hlopt.bench.instructions import Counter
from hlopt.bench.model import (
    METRICS,
    TIMED,
    CallableSpec,
    Comparison,
    Result,
    Spec,
)
from hlopt.bench.stats import paired_ratio
from hlopt.bench.targets import CallableSide, Plan, Side, make_plan, make_side
from hlopt.core.errors import UsageError
from hlopt.core.progress import Progress, no_progress

#: {benchmark: {metric: [one value per round]}}
Samples = dict[str, dict[str, list[float]]]

#: the hash seeds of the rounds are drawn from this seed, so reruns use the same ones
SEED = 20240601
#: rounds by target kind: enough for the sign test to reach p < 0.05 when a few rounds
#: are spoilt by a busy machine (6 is the least with which it can reach it at all)
DEFAULT_ROUNDS = {"callable": 20, "command": 10, "suite": 6}
#: callgrind counts repeat exactly: a few rounds show that they do; perf's vary a little
DEFAULT_COUNT_ROUNDS = {"callgrind": 3, "perf": 10}
#: instruction counts: the calibration's minimum loop time, the fixed loop count, and the
#: native time the counted loop may take before the count is lowered (valgrind: x50)
COUNT_MIN_TIME, COUNT_LOOPS, COUNT_BUDGET = 0.005, 100, 0.1


def compare(before: str | Spec, after: str | Spec | None = None, *, setup: str = "",
            stmt: str | None = None, metrics: Sequence[str] = ("wall",),
            rounds: int | None = None, timeout: float = 60.0, noise_floor: float | None = None,
            min_time: float = 0.001, cwd: Path | None = None, python: Path | None = None,
            progress: Progress = no_progress) -> Comparison:
    """Measure ``before`` against ``after`` (or ``before`` alone) in interleaved rounds.

    Targets are ``"pkg.mod:func"`` strings (timed with ``setup`` and ``stmt``; the stmt
    calls the side's callable as ``target``, or by either side's own name) or
    ``CallableSpec``/``CommandSpec``/``SuiteSpec`` objects. Ratios are ``after / before``.
    """
    base = cwd or Path.cwd()
    specs = [to_spec(t, setup, stmt, base, python) for t in (before, after) if t is not None]
    if len(specs) == 2:
        specs = list(alias(specs[0], specs[1]))
    key = specs[0].label
    sides = [make_side(s, key, timeout) for s in specs]
    return measure(sides, tuple(metrics), rounds=rounds, noise_floor=noise_floor,
                   min_time=min_time, progress=progress)


def to_spec(target: str | Spec, setup: str, stmt: str | None, cwd: Path,
            python: Path | None) -> Spec:
    if not isinstance(target, str):
        return target
    if ":" not in target:
        raise UsageError(f"target {target!r} is not pkg.mod:func",
                         hint="name a callable, e.g. json:dumps")
    return CallableSpec(target, setup, stmt, cwd, python)


def alias(before: Spec, after: Spec) -> tuple[Spec, Spec]:
    """Bind each side's callable also to the other side's name, so one stmt serves both.

    Both namespaces then hold the same names in the same order: a namespace of another
    size lays out the heap differently, which alone moved instruction counts by 1%.
    """
    if not (isinstance(before, CallableSpec) and isinstance(after, CallableSpec)):
        return before, after
    from dataclasses import replace

    return (replace(before, names=(*before.names, *after.own_name())),
            replace(after, names=(*after.names, *before.own_name())))


def measure(sides: Sequence[Side], metrics: tuple[str, ...], *, rounds: int | None = None,
            noise_floor: float | None = None, min_time: float = 0.001,
            progress: Progress = no_progress) -> Comparison:
    """Run the rounds for ``sides`` (one or two) and turn the samples into results."""
    check_metrics(sides, metrics)
    timed = [m for m in metrics if m in TIMED]
    n = rounds or DEFAULT_ROUNDS[_kind(sides[0])]
    samples: list[Samples] = [{} for _ in sides]
    plan: Plan | None = None
    notes: list[str] = []
    if timed:
        plan = make_plan([side.calibrate(min_time) for side in sides])
        measure_rounds(sides, n, plan, samples, progress)
        order = "A B / B A" if len(sides) == 2 else "one side"
        notes.append(f"{n} rounds ({order}), fresh processes"
                     + (f"; each times {plan.values} loops of {plan.loops} stmt runs, the "
                        "fastest loop counts" if plan else ""))
    if "instructions" in metrics:
        from hlopt.bench.instructions import find_counter

        counter = find_counter()
        counted = rounds or DEFAULT_COUNT_ROUNDS[counter.tool]
        count_rounds(sides, counted, counter, samples, progress)
        notes.append(f"instructions: {counter.tool}, {counted} rounds, PYTHONHASHSEED=0")
    results = build_results(sides, samples, metrics, noise_floor)
    return Comparison(results, n, plan.loops if plan else None, notes)


def check_metrics(sides: Sequence[Side], metrics: Sequence[str]) -> None:
    if not metrics:
        raise UsageError("no metric to measure", hint="--metric wall|cpu|rss|instructions")
    for m in metrics:
        if m not in METRICS:
            raise UsageError(f"unknown metric {m!r}", hint="choose from: " + ", ".join(METRICS))
        for side in sides:
            if m not in side.supports:
                raise UsageError(f"{side.label}: cannot measure {m} of this target",
                                 hint="measure: " + ", ".join(side.supports))


def _kind(side: Side) -> str:
    from hlopt.bench.targets import CommandSide, SuiteSide

    if isinstance(side, SuiteSide):
        return "suite"
    return "command" if isinstance(side, CommandSide) else "callable"


def measure_rounds(sides: Sequence[Side], rounds: int, plan: Plan | None,
                   samples: list[Samples], progress: Progress) -> None:
    total, done = rounds * len(sides), 0
    seeds = random.Random(SEED).sample(range(1, 2**32), rounds)
    for i in range(rounds):
        order = range(len(sides)) if i % 2 == 0 else reversed(range(len(sides)))
        for j in order:
            add(samples[j], sides[j].measure(plan, seeds[i]))
            done += 1
            progress("measuring", done, total)


def count_rounds(sides: Sequence[Side], rounds: int, counter: Counter,
                 samples: list[Samples], progress: Progress) -> None:
    """Instruction counts of every side and round, run in parallel (load does not matter)."""
    loops = count_loops(sides)
    jobs = [(j, i) for i in range(rounds) for j in range(len(sides))]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [pool.submit(sides[j].count, counter, loops) for j, _ in jobs]
        try:
            for done, ((j, _), fut) in enumerate(zip(jobs, futures, strict=True), 1):
                add(samples[j], fut.result())
                progress("counting instructions", done, len(jobs))
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def count_loops(sides: Sequence[Side]) -> int | None:
    """One loop count for every side, the same from run to run wherever it can be.

    The count per iteration depends a little on the loop count (garbage collections and
    the heap's history are spread over the loop: string building by ``+=`` moved by 8%
    between 10 and 100 iterations), so it is fixed, COUNT_LOOPS, unless the slowest side
    would then run longer than COUNT_BUDGET natively; then a power of ten that fits.
    """
    found = [s.calibrate(COUNT_MIN_TIME) for s in sides if isinstance(s, CallableSide)]
    if not found:
        return None
    slowest = max(c.per_call for c in found)
    if slowest * COUNT_LOOPS <= COUNT_BUDGET:
        return COUNT_LOOPS
    fits = max(1, int(COUNT_BUDGET / slowest))
    return 10 ** (len(str(fits)) - 1)


def add(samples: Samples, values: dict[str, dict[str, float]]) -> None:
    for bench, metrics in values.items():
        per = samples.setdefault(bench, {})
        for metric, value in metrics.items():
            per.setdefault(metric, []).append(value)


def build_results(sides: Sequence[Side], samples: list[Samples], metrics: Sequence[str],
                  noise_floor: float | None) -> list[Result]:
    """One Result per benchmark and metric; paired when there are two sides."""
    after = samples[-1]
    source = getattr(sides[0], "source", None)
    results = []
    for bench in after:
        for metric in metrics:
            floor = METRICS[metric].noise_floor if noise_floor is None else noise_floor
            a = tuple(after[bench][metric])
            common = dict(benchmark=bench, metric=metric, after=a, floor=floor,
                          after_label=sides[-1].label, source=source)
            before = samples[0].get(bench, {}).get(metric) if len(sides) == 2 else None
            if before is None:
                results.append(Result(**common))
                continue
            est = paired_ratio(before, a, floor=floor)
            results.append(Result(**common, before=tuple(before), estimate=est,
                                  before_label=sides[0].label, design="paired"))
    return results
