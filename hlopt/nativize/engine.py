"""The nativize pipeline: select -> analyse -> sample -> type -> generate -> build -> verify
-> measure -> install, one target at a time; every stop becomes a finding, never a crash."""

from __future__ import annotations

import importlib
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.report import Artifact, Finding, Metric, Report, Severity
from hlopt.nativize import install
from hlopt.nativize.model import (
    BUILD_FAILED,
    MISMATCH,
    NOT_FASTER,
    OBJECT,
    UNTYPED,
    Analysis,
    BuildResult,
    Call,
    Generated,
    Target,
    Typing,
    VerifyResult,
)
from hlopt.nativize.options import GENERATORS, Options, validate, validate_backend

#: mismatches reported per target (the first one is enough to stop an install)
MAX_MISMATCHES = 5
#: stages of one target, for the progress bar
STAGES = ("analyse", "sample", "type", "generate", "build", "verify", "measure", "install")


@dataclass
class Outcome:
    """What happened to one target: its findings, metrics, notes, artifacts and diff."""

    target: Target
    findings: list[Finding] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    diff: str = ""
    installed: bool = False


def run(options: Options) -> Report:
    """Nativize, revert or check, as the options say."""
    from hlopt.nativize import select

    start = time.perf_counter()
    validate(options)
    cwd = options.cwd.resolve()
    if options.check:
        report = _check(options, cwd)
    elif options.revert:
        report = _revert([select.resolve(s, cwd) for s in options.targets], options)
    else:
        report = _nativize(options, cwd)
    report.duration_s = time.perf_counter() - start
    return report


def _targets(o: Options, cwd: Path) -> tuple[list[Target], list[str] | None]:
    """The targets, and the profiled program's command line (to sample it again)."""
    from hlopt.nativize import select

    targets = [select.resolve(s, cwd) for s in o.targets]
    command = None
    if o.from_profile is not None:
        targets += select.from_profile(o.from_profile, o.top, cwd)
        if o.resample_profile:
            command = select.profiled_command(select.load_profile(o.from_profile))
    return list(dict.fromkeys(targets)), command


def _nativize(o: Options, cwd: Path) -> Report:
    targets, profiled = _targets(o, cwd)
    validate_backend(o)
    title = ", ".join(_shown(t, cwd) for t in targets)
    report = Report("nativize", title)
    for i, target in enumerate(targets):
        outcome = Outcome(target)
        Pipeline(o, cwd, outcome, profiled, i, len(targets)).run()
        _merge(report, outcome, len(targets) > 1)
    if not o.apply and report.diff:
        report.notes.append("dry run: nothing was written; --apply installs what passed "
                            "(the diff above shows the shim)")
    return report


def _merge(report: Report, outcome: Outcome, several: bool) -> None:
    report.findings += outcome.findings
    report.metrics += outcome.metrics
    report.artifacts += outcome.artifacts
    prefix = f"{outcome.target.qualname}: " if several else ""
    report.notes += [prefix + n for n in outcome.notes]
    report.diff += outcome.diff


def _shown(target: Target, cwd: Path) -> str:
    try:
        path = target.path.relative_to(cwd)
    except ValueError:
        path = target.path
    return f"{path}:{target.qualname}"


class Stop(Exception):
    """A stage ended this target (its finding is already recorded)."""


class Pipeline:
    """The stages of one target; each records what it found in ``outcome``."""

    def __init__(self, o: Options, cwd: Path, outcome: Outcome, profiled: list[str] | None,
                 index: int, count: int) -> None:
        self.o, self.cwd, self.out = o, cwd, outcome
        self.target = outcome.target
        self.shown = _shown(self.target, cwd)
        self.rel = Path(self.shown.rpartition(":")[0])
        self.profiled = profiled
        self.index, self.count = index, count

    def step(self, stage: str) -> None:
        done = self.index * len(STAGES) + STAGES.index(stage)
        self.o.progress(f"nativize {self.target.qualname}: {stage}", done,
                        self.count * len(STAGES))

    def run(self) -> None:
        try:
            analysis = self.analyse()
            calls = self.sample()
            typing = self.type(analysis, calls)
            gen = self.generate(analysis, typing)
            built = self.build(gen)
            self.verify(built, typing, calls)
            self.measure(built, calls)
            self.install(gen, built)
        except Stop:
            pass

    def finding(self, code: str, message: str, severity: Severity, line: int | None = None,
                **data: Any) -> None:
        self.out.findings.append(Finding(code, message, self.rel, line or self.target.line,
                                         None, severity,
                                         data={"target": self.shown, **data}))

    # --- stages ---------------------------------------------------------------------------

    def analyse(self) -> Analysis:
        from hlopt.nativize.analyse import analyse

        self.step("analyse")
        analysis = analyse(self.target)
        for r in analysis.refusals:
            self.finding(r.code, f"`{self.target.qualname}` cannot be nativized: {r.message}",
                         Severity.ERROR, r.line)
        if analysis.refusals:
            self.out.notes.append(f"{self.shown}: refused, nothing built or changed")
            raise Stop
        if analysis.helpers:
            self.out.notes.append(f"compiled along: {', '.join(sorted(analysis.helpers))}")
        return analysis

    def sample(self) -> list[Call]:
        from hlopt.nativize.sample import record

        self.step("sample")
        calls: list[Call] = []
        for expr in self.o.sample:
            calls += record(self.target, expr=expr)
        if self.o.sample_command:
            calls += record(self.target, command=shlex.split(self.o.sample_command),
                            cwd=self.cwd)
        if not calls and self.profiled and not self.o.sample:
            calls += record(self.target, command=program(self.profiled, self.cwd),
                            cwd=self.cwd)
            self.out.notes.append(f"sampled by running the profiled program again: "
                                  f"{shlex.join(self.profiled)}")
        if calls:
            self.out.notes.append(f"recorded {len(calls)} call(s) of {self.target.qualname}")
        return calls

    def type(self, analysis: Analysis, calls: list[Call]) -> Typing:
        from hlopt.nativize.infer import infer

        self.step("type")
        typing = infer(analysis, calls)
        self.out.notes += [f"typed {r}" for r in typing.reasons]
        for name, t in typing.params.items():
            if t == OBJECT:
                self.finding(UNTYPED, f"no type evidence for `{name}` of "
                             f"`{self.target.qualname}`: it stays a Python object "
                             "(annotate it, or sample calls with --sample)",
                             Severity.INFO, parameter=name)
        return typing

    def generate(self, analysis: Analysis, typing: Typing) -> Generated:
        from hlopt.nativize.ir_lower import Refused, check

        self.step("generate")
        backend = self.o.backend
        if backend == "auto":  # the C backend for functions in its subset, else Cython
            refused = check(analysis, typing)
            backend = "cython" if refused else "c"
            self.out.notes.append(f"backend auto: {backend}" + (
                f" ({refused[0].message}, line {refused[0].line})" if refused else ""))
        module = importlib.import_module(GENERATORS[backend])
        try:
            gen: Generated = module.generate(analysis, typing)
        except Refused as exc:
            r = exc.refusal
            self.finding(r.code, f"`{self.target.qualname}` is outside the {backend} "
                         f"backend's subset: {r.message} (use --backend cython or auto)",
                         Severity.ERROR, r.line)
            raise Stop from None
        self.out.notes += gen.notes
        return gen

    def build(self, gen: Generated) -> BuildResult:
        from hlopt.nativize.build import BuildError, build

        self.step("build")
        try:
            built = build(gen, cache_dir=self.o.cache_dir, compiler=self.o.compiler,
                          fast_math=self.o.fast_math, progress=self.o.progress)
        except BuildError as exc:
            self.finding(BUILD_FAILED, f"{exc.message}; {self.rel} was left untouched:\n"
                         f"{exc.output}", Severity.ERROR, output=exc.output)
            raise Stop from None
        q = self.target.qualname
        self.out.metrics += [
            Metric(f"{q}: build time{' (cached)' if built.cached else ''}", "s", None,
                   round(built.seconds, 3)),
            Metric(f"{q}: extension size", "bytes", None, float(built.size)),
        ]
        self.out.notes.append(f"built {built.module_name} with {built.compiler}"
                              f"{' (from the cache)' if built.cached else ''}: "
                              f"{' '.join(f for f in built.flags if not f.startswith('-I'))}")
        return built

    def verify(self, built: BuildResult, typing: Typing, calls: list[Call]) -> VerifyResult:
        from hlopt.nativize.verify import verify

        self.step("verify")
        result = verify(self.target, built, typing, calls, examples=self.o.examples,
                        seed=self.o.seed, fast_math=self.o.fast_math)
        q = self.target.qualname
        self.out.metrics += [
            Metric(f"{q}: inputs verified", "inputs", None,
                   float(result.recorded + result.generated), better="higher"),
            Metric(f"{q}: mismatches", "inputs", None, float(len(result.mismatches))),
        ]
        self.out.notes.append(f"verified on {result.recorded} recorded and "
                              f"{result.generated} generated input(s) "
                              f"({result.raised} raised the same exception in both)")
        for m in result.mismatches[:MAX_MISMATCHES]:
            self.finding(MISMATCH, f"the native `{q}` differs on {m.call}: Python "
                         f"{m.python}, native {m.native}; not installed", Severity.ERROR,
                         call=m.call, python=m.python, native=m.native)
        if result.mismatches:
            raise Stop
        return result

    def measure(self, built: BuildResult, calls: list[Call]) -> None:
        from hlopt.nativize.measure import measure

        self.step("measure")
        q = self.target.qualname
        m = measure(self.target, built, calls, rounds=self.o.rounds, progress=self.o.progress)
        self.out.metrics.append(timing_metric(q, m))
        self.out.notes += m.notes
        ci = (f" (95% CI {m.ci_low:.2f}x to {m.ci_high:.2f}x)"
              if m.ci_low is not None and m.ci_high is not None else "")
        how = f"{m.speedup:.2f}x faster" if m.speedup >= 1 else f"{1 / m.speedup:.2f}x slower"
        self.out.notes.append(f"{q}: {how} per call{ci}, {m.rounds} interleaved rounds of "
                              f"{m.calls} recorded call(s)")
        if not m.faster:
            self.finding(NOT_FASTER, f"the native `{q}` is not significantly faster than "
                         f"Python ({m.speedup:.2f}x{ci}); not installed", Severity.WARNING,
                         speedup=round(m.speedup, 3), significant=m.significant)
            raise Stop

    def install(self, gen: Generated, built: BuildResult) -> None:
        self.step("install")
        if not self.o.apply:
            _, diff = install.plan(self.target, gen.module_name)
            self.out.diff += diff
            return
        done = install.apply(self.target, gen, built)
        self.out.installed = True
        self.out.findings += done.findings
        self.out.notes += done.notes
        self.out.notes.append(f"installed: {self.shown} now runs {gen.module_name} "
                              f"(undo: hlopt nativize --revert {self.shown})")
        self.out.artifacts += [
            Artifact("extension", _rel(done.extension, self.cwd),
                     f"the built extension ({built.compiler})"),
            Artifact("generated-source", _rel(done.generated, self.cwd),
                     f"the generated {gen.backend} source"),
        ]
        if done.c_source is not None and done.c_source != done.generated:
            self.out.artifacts.append(Artifact("c-source", _rel(done.c_source, self.cwd),
                                               "its C translation (the wheel build needs "
                                               "no Cython)"))


def program(argv: list[str], cwd: Path) -> list[str]:
    """A profiled program's command line, runnable from anywhere: ``python /abs/app.py``."""
    if argv and argv[0] == "-m":
        return [sys.executable, *argv]
    if argv and argv[0].endswith(".py"):
        return [sys.executable, str((cwd / argv[0]).resolve()), *argv[1:]]
    return list(argv)


def timing_metric(qualname: str, m: Any) -> Metric:
    """A measurement's time per call as a metric: the ratio is after / before (1 / speedup)."""
    ci = (1 / m.ci_high, 1 / m.ci_low) if m.ci_low and m.ci_high else None
    return Metric(f"{qualname}: time per call", "s", m.before, m.after, better="lower",
                  ci=ci, significant=m.significant, estimate=1 / m.speedup if m.speedup else None)


def _rel(path: Path, cwd: Path) -> Path:
    try:
        return path.resolve().relative_to(cwd)
    except ValueError:
        return path


def _revert(targets: list[Target], o: Options) -> Report:
    cwd = o.cwd.resolve()
    report = Report("nativize", ", ".join(_shown(t, cwd) for t in targets))
    for target in targets:
        report.notes += install.revert(target)
    return report


def _check(o: Options, cwd: Path) -> Report:
    paths = [cwd / p for p in (o.targets or (".",))]
    missing = [p for p in paths if not p.exists()]
    if missing:
        from hlopt.core.errors import InputError

        raise InputError(f"{missing[0]}: no such file or directory")
    findings, notes = install.check(paths, cwd)
    report = Report("nativize", "--check " + " ".join(o.targets or (".",)), findings)
    report.notes = notes
    return report
