"""Run ``hlopt mutate``: make the mutants, run the clean suite once, test each mutant.

Stages: find the project (``project``), make every mutant of the functions in scope
(``units``, ``scope``), take this shard's slice, start one warm pytest session
(``runner``), run the clean suite in it (it must pass; it also says which tests execute
which function and how long each takes), then fork a child per mutant that runs only
those tests under a deadline. Outcomes of unchanged functions come from the cache.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError
from hlopt.core.files import ReadError, read_source
from hlopt.core.report import Finding, Report, Severity
from hlopt.mutate import report as reporting
from hlopt.mutate.cache import Cache
from hlopt.mutate.model import CleanRun, Mutant, Options, Outcome, Result, Unit
from hlopt.mutate.project import Project, find_project
from hlopt.mutate.runner import Session
from hlopt.mutate.scope import is_scoped, select_units, shard
from hlopt.mutate.units import mutants_of_file


def run(options: Options) -> Report:
    """Mutation-test the functions under ``options.paths``; never writes into the project."""
    start = time.perf_counter()
    cwd = (options.cwd or Path.cwd()).resolve()
    project = find_project(options.paths, options.tests, options.python, options.exclude, cwd)
    units, mutants, problems = make_mutants(project)
    notes: list[str] = []
    if is_scoped(options):
        kept, notes = select_units(units, options, project.root, cwd)
        keys = {u.key for u in kept}
        mutants = [m for m in mutants if m.unit.key in keys]
    mutants = shard(mutants, options.shard)
    if options.shard:
        notes.append(f"shard {options.shard[0]}/{options.shard[1]}: {len(mutants)} mutants")
    tally = reporting.Tally()
    if mutants:
        test_mutants(project, mutants, options, tally, notes)
    else:
        notes.append("no mutants to run in this scope")
    tally.seconds = time.perf_counter() - start
    target = ", ".join(str(p) for p in options.paths) or "."
    report = reporting.build(tally, target, options.min_score, notes)
    report.findings += problems
    report.duration_s = tally.seconds
    return report


def make_mutants(project: Project) -> tuple[list[Unit], list[Mutant], list[Finding]]:
    """Every unit and mutant of the project's files; unreadable files become findings."""
    import libcst

    units: list[Unit] = []
    mutants: list[Mutant] = []
    problems: list[Finding] = []
    for path in project.files:
        rel = path.relative_to(project.root).as_posix()
        try:
            found, made = mutants_of_file(path, rel, read_source(path).text)
        except ReadError as exc:
            problems.append(exc.finding)
            continue
        except libcst.ParserSyntaxError as exc:
            problems.append(Finding("HLX002", f"cannot parse: {exc.message}", Path(rel),
                                    exc.raw_line, exc.raw_column + 1, Severity.ERROR))
            continue
        units += found
        mutants += made
    return units, mutants, problems


def test_mutants(project: Project, mutants: list[Mutant], options: Options,
                 tally: reporting.Tally, notes: list[str]) -> None:
    """Run the clean suite, then every mutant not in the cache; fill ``tally``."""
    progress = options.progress
    cache = Cache(options.cache_dir, project.root, options.use_cache)
    jobs = options.jobs or os.cpu_count() or 1
    with Session(project, block_native=options.from_nativize) as session:
        tests = session.collect()
        if not tests:
            session.send({"stop": True})
            raise InputError(f"no tests found: pytest collected nothing in {project.root}"
                             + (f" with {' '.join(project.pytest_args)}"
                                if project.pytest_args else ""),
                             hint="point --tests at them, e.g. --tests 'pytest tests/'")
        clean = session.clean_run(progress)
        check_clean(clean)
        notes.append(f"clean run: {len(tests)} tests passed in {clean.seconds:.2f} s")
        todo, done = plan(mutants, clean, cache, session.rootdir, options)
        for mutant, result in done:
            tally.add(mutant.unit, result)
        by_id = {m.id: m for m, _ in todo}
        selected = {m.id: tests for m, tests in todo}
        total, finished = len(mutants), len(done)
        progress("mutants", finished, total)
        index = {t: i for i, t in enumerate(tests)}
        payload = [job(m, [index[t] for t in selected[m.id]], clean, options)
                   for m, _ in todo]
        for msg in session.run_mutants(payload, jobs):
            mutant = by_id[msg["id"]]
            result = outcome_of(mutant, Outcome(msg["outcome"]), len(selected[mutant.id]))
            result.seconds = float(msg.get("seconds", 0.0))
            cache.put(cache.key(mutant, selected[mutant.id], session.rootdir,
                                _timing(options)), result.outcome)
            tally.add(mutant.unit, result)
            finished += 1
            progress("mutants", finished, total)
    cache.save()


def check_clean(clean: CleanRun) -> None:
    if clean.failed:
        shown = "; ".join(clean.failed[:3]) + ("; ..." if len(clean.failed) > 3 else "")
        raise InputError(f"the tests fail before any mutation ({len(clean.failed)} of "
                         f"{len(clean.tests)} failed): {shown}",
                         hint="mutation testing needs a passing suite: fix those tests, or "
                              "leave them out with --tests 'pytest ... --deselect ID'")


def plan(mutants: list[Mutant], clean: CleanRun, cache: Cache, rootdir: Path,
         options: Options) -> tuple[list[tuple[Mutant, list[str]]], list[tuple[Mutant, Result]]]:
    """Split the mutants into those to run (with their tests) and those already known."""
    todo: list[tuple[Mutant, list[str]]] = []
    done: list[tuple[Mutant, Result]] = []
    for m in mutants:
        tests = sorted(clean.coverage.get(m.unit.key, ()), key=lambda t: clean.durations[t])
        if not tests:
            done.append((m, outcome_of(m, Outcome.no_tests, 0)))
            continue
        known = cache.get(cache.key(m, tests, rootdir, _timing(options)))
        if known is not None:
            result = outcome_of(m, known, len(tests))
            result.cached = True
            done.append((m, result))
        else:
            todo.append((m, tests))
    return todo, done


def job(m: Mutant, indices: list[int], clean: CleanRun, options: Options) -> dict[str, Any]:
    """What the pytest side needs to install and test one mutant."""
    spent = sum(clean.durations[clean.tests[i]] for i in indices)
    return {"id": m.id, "path": str(m.unit.path), "qualname": m.unit.qualname,
            "first_line": m.unit.first_line, "code": m.code, "tests": indices,
            "timeout": options.timeout_factor * spent + options.timeout_constant}


def outcome_of(m: Mutant, outcome: Outcome, tests_run: int) -> Result:
    return Result(m.id, m.unit.key, outcome, tests_run=tests_run, line=m.line, col=m.col,
                  operator=m.operator, diff=m.diff, original=m.original,
                  replacement=m.replacement)


def _timing(options: Options) -> str:
    return f"{options.timeout_factor}:{options.timeout_constant}"
