"""Turn mutant outcomes into the report, and merge the reports of shards into one.

Every function with mutants gets an HLM003 finding whose ``data.outcomes`` maps each
mutant id to its outcome; survivors are HLM001 findings with their diff. That is all a
merge needs: the merged report is built by the same code from the union of the shards'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError
from hlopt.core.files import read_report
from hlopt.core.report import Finding, Metric, Report, Severity
from hlopt.mutate.model import DETECTED, Outcome, Result, Unit


@dataclass
class Function:
    """One mutated function's outcomes."""

    rel: str
    qualname: str
    line: int
    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.rel}:{self.qualname}"

    def counts(self) -> dict[Outcome, int]:
        out = dict.fromkeys(Outcome, 0)
        for value in self.outcomes.values():
            out[Outcome(value)] += 1
        return out


@dataclass
class Tally:
    """What one run (or the shards of one run) did."""

    functions: dict[str, Function] = field(default_factory=dict)
    survivors: dict[str, Finding] = field(default_factory=dict)
    seconds: float = 0.0
    executed: int = 0
    cached: int = 0

    def add(self, unit: Unit, result: Result) -> None:
        fn = self.functions.setdefault(unit.key, Function(unit.rel, unit.qualname, unit.line))
        fn.outcomes[result.mutant_id] = result.outcome.value
        if result.cached:
            self.cached += 1
        elif result.outcome is not Outcome.no_tests:
            self.executed += 1
        if result.outcome is Outcome.survived:
            self.survivors[result.mutant_id] = survivor(unit, result)


def survivor(unit: Unit, r: Result) -> Finding:
    ran = f"{r.tests_run} test{'s' if r.tests_run != 1 else ''} ran"
    message = (f"mutant survived in `{unit.qualname}`: `{r.original}` -> `{r.replacement}` "
               f"({r.operator}; {ran})")
    return Finding("HLM001", message, Path(unit.rel), r.line, r.col, Severity.WARNING, data={
        "id": r.mutant_id, "function": unit.key, "operator": r.operator,
        "original": r.original, "replacement": r.replacement, "diff": r.diff,
        "tests": r.tests_run})


def score(counts: dict[Outcome, int]) -> float | None:
    """Detected / (detected + survived + no-tests), in percent; errors are left out."""
    detected = sum(counts[o] for o in DETECTED)
    total = detected + counts[Outcome.survived] + counts[Outcome.no_tests]
    return round(100.0 * detected / total, 2) if total else None


def build(tally: Tally, target: str, min_score: float | None, notes: list[str]) -> Report:
    """The report of a run or of merged shards."""
    report = Report("mutate", target)
    totals = dict.fromkeys(Outcome, 0)
    for fn in sorted(tally.functions.values(), key=lambda f: (f.rel, f.line)):
        counts = fn.counts()
        for o, n in counts.items():
            totals[o] += n
        report.findings.append(function_finding(fn, counts))
        if counts[Outcome.no_tests] and counts[Outcome.no_tests] == len(fn.outcomes):
            report.findings.append(Finding(
                "HLM002", f"no test executes `{fn.qualname}`: its {len(fn.outcomes)} "
                f"mutant(s) cannot be killed", Path(fn.rel), fn.line, None, Severity.WARNING,
                data={"function": fn.key, "mutants": len(fn.outcomes)}))
    report.findings += tally.survivors.values()
    overall = score(totals)
    report.metrics = metrics(totals, overall, tally)
    report.notes = [summary_line(totals, overall), *notes]
    if min_score is not None:
        below = overall is not None and overall < min_score
        report.forced_exit = 1 if below else 0
        report.notes.append(f"--min-score {min_score:g}: "
                            f"{'FAILED' if below else 'passed'} (score {_pct(overall)})")
    return report


def function_finding(fn: Function, counts: dict[Outcome, int]) -> Finding:
    s = score(counts)
    detected = sum(counts[o] for o in DETECTED)
    counted = len(fn.outcomes) - counts[Outcome.error]
    return Finding(
        "HLM003", f"`{fn.qualname}`: {detected} of {counted} mutants detected ({_pct(s)})",
        Path(fn.rel), fn.line, None, Severity.INFO, data={
            "function": fn.key, "qualname": fn.qualname, "score": s,
            **{o.value: counts[o] for o in Outcome},
            "outcomes": dict(sorted(fn.outcomes.items(), key=lambda kv: _id_order(kv[0])))})


def _id_order(mutant_id: str) -> tuple[str, int]:
    head, _, n = mutant_id.rpartition(":")
    return head, int(n) if n.isdigit() else 0


def metrics(totals: dict[Outcome, int], overall: float | None, tally: Tally) -> list[Metric]:
    n = sum(totals.values())
    out = [Metric("mutants", "", float(n), None)]
    out += [Metric(o.value, "", float(totals[o]), None) for o in Outcome
            if o is not Outcome.error or totals[o]]
    out.append(Metric("mutation score", "%", overall, None, better="higher"))
    out.append(Metric("run time", "s", round(tally.seconds, 3), None))
    if tally.cached:
        out.append(Metric("cached", "", float(tally.cached), None))
    if tally.executed and tally.seconds > 0:
        rate = round(tally.executed / tally.seconds, 2)
        out.append(Metric("mutants per second", "1/s", rate, None, better="higher"))
    return out


def summary_line(totals: dict[Outcome, int], overall: float | None) -> str:
    parts = ", ".join(f"{totals[o]} {o.value}" for o in Outcome if o is not Outcome.error
                      or totals[o])
    return f"mutation score {_pct(overall)}: {sum(totals.values())} mutants ({parts})"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def merge(paths: list[Path], min_score: float | None) -> Report:
    """One report from the reports of ``--shard`` runs (same code, same scope)."""
    if not paths:
        raise InputError("hlopt mutate merge needs the shards' JSON reports",
                         hint="hlopt mutate merge shard1.json shard2.json ...")
    tally = Tally()
    targets: list[str] = []
    for path in paths:
        data = _load(path)
        targets.append(str(data.get("target", "")))
        tally.seconds += float(data.get("duration_s") or 0.0)
        cached = int(_metric(data, "cached"))
        ran = sum(_metric(data, o.value) for o in Outcome if o is not Outcome.no_tests)
        tally.cached += cached
        tally.executed += int(ran) - cached
        _absorb(tally, data, path)
    report = build(tally, targets[0], min_score, [f"merged {len(paths)} shard report(s)"])
    report.duration_s = tally.seconds
    return report


def _load(path: Path) -> dict[str, Any]:
    return read_report(path, "mutate", hint="merge the reports of `hlopt mutate --shard I/N "
                       "--format json`")


def _absorb(tally: Tally, data: dict[str, Any], path: Path) -> None:
    for f in data.get("findings", ()):
        d = f.get("data") or {}
        if f.get("code") == "HLM003":
            rel, _, qualname = str(d["function"]).rpartition(":")
            fn = tally.functions.setdefault(d["function"], Function(rel, qualname, f["line"]))
            for mutant_id, outcome in d["outcomes"].items():
                if fn.outcomes.get(mutant_id, outcome) != outcome:
                    raise InputError(f"{path}: mutant {mutant_id} has two outcomes across "
                                     "the shards", hint="merge the shards of one run only")
                fn.outcomes[mutant_id] = outcome
        elif f.get("code") == "HLM001":
            tally.survivors[d["id"]] = Finding.from_dict(f)


def _metric(data: dict[str, Any], name: str) -> float:
    for m in data.get("metrics", ()):
        if m.get("name") == name and m.get("before") is not None:
            return float(m["before"])
    return 0.0
