"""Run ``hlopt compress``: check the options, then minify, skeletonize or bundle."""

from __future__ import annotations

import time
from pathlib import Path

from hlopt.compress.keep import ModuleFacts, TreeFacts
from hlopt.compress.model import Mode, Options, Plan
from hlopt.compress.pipeline import Minified, Settings, Sizes, minify_file, scan_file
from hlopt.compress.tokens import tokenizer_name
from hlopt.compress.tree import (
    Mapping,
    check_inputs,
    check_output,
    copy_file,
    data_files,
    mappings,
    python_files,
    write_text,
)
from hlopt.compress.verify import project_root, run_tests
from hlopt.core.errors import UsageError
from hlopt.core.parallel import parallel_map
from hlopt.core.report import Finding, Metric, Report, Severity

#: below this many files a process pool costs more than it saves
_POOL_THRESHOLD = 8


def run(options: Options) -> Report:
    """Compress ``options.paths`` as ``options.mode`` says; never writes into the input."""
    start = time.perf_counter()
    check_inputs(options.paths)
    if options.output is not None:
        check_output(options.paths, options.output)
    if options.mode is Mode.skeleton:
        from hlopt.compress.skeleton import run_skeleton

        report = run_skeleton(options)
    elif options.output is None:
        raise UsageError(f"--mode {options.mode.value} needs -o OUT (compress never writes "
                         "in place)", hint="for example: -o build/min")
    elif options.mode is Mode.bundle:
        from hlopt.compress.bundle import run_bundle

        report = run_bundle(options)
    else:
        report = minify_tree(options, options.output)
    report.duration_s = time.perf_counter() - start
    return report


def settings_of(options: Options) -> Settings:
    return Settings(keep_docstrings=options.keep_docstrings,
                    keep_annotations=options.keep_annotations,
                    remove_debug=options.remove_debug, rename_locals=options.rename_locals)


def minify_tree(options: Options, output: Path, *, run_test_cmd: bool = True,
                layout: list[Mapping] | None = None) -> Report:
    """Minify every input into ``output``; copy other files; measure; run tests if asked."""
    report = Report("compress", ", ".join(str(p) for p in options.paths))
    pairs: list[tuple[Path, Path]] = []
    data: list[tuple[Path, Path]] = []
    for m in layout or mappings(options.paths, output):
        found, problems = python_files(m, options.exclude, options.respect_gitignore)
        pairs += found
        data += data_files(m, options.exclude)
        report.findings.extend(problems)
    results = minify_files([p for p, _ in pairs], options, report)
    destination = dict(pairs)
    for result in results:
        dest = destination[result.path]
        if result.output is None:
            copy_file(result.path, dest)
        else:
            write_text(dest, result.output, result.path)
    for src, dest in data:
        copy_file(src, dest)
    _summarize(report, results, len(data), output)
    if options.test_cmd and run_test_cmd:
        _test(report, options, output)
    return report


def minify_files(paths: list[Path], options: Options, report: Report) -> list[Minified]:
    """Phase 1 (facts of every file), then phase 2 (each file minified and checked)."""
    scans = parallel_map(scan_file, paths, options.jobs, options.progress, "scanning",
                         threshold=_POOL_THRESHOLD, chunksize=1)
    facts = TreeFacts.join([s.facts for s in scans if s.facts is not None])
    facts.doctest_all = any(doctest_modules(project_root(p)) for p in options.paths)
    extras: dict[Path, Plan] = {}
    taken: dict[Path, set[str]] = {}
    if options.rename_globals:
        from hlopt.compress.globals_ import plan_globals

        extras, taken, refusals = plan_globals(
            [(s.path, s.facts) for s in scans if s.facts is not None], options.paths)
        report.findings.extend(refusals)
    results: list[Minified] = []
    jobs = []
    for s in scans:
        if s.facts is None:
            assert s.problem is not None
            report.findings.append(s.problem)
            size = Sizes.of(_raw_text(s.path))
            results.append(Minified(s.path, None, size, size))
        else:
            jobs.append((s.path, s.facts, extras.get(s.path), taken.get(s.path)))
    global _WORKER_STATE
    _WORKER_STATE = (facts, settings_of(options))
    results += parallel_map(_minify_job, jobs, options.jobs, options.progress, "minifying",
                            threshold=_POOL_THRESHOLD, chunksize=1,
                            initializer=_init_worker, initargs=_WORKER_STATE)
    for r in results:
        report.findings.extend(r.findings)
    return results


_WORKER_STATE: tuple[TreeFacts, Settings] | None = None


def _init_worker(facts: TreeFacts, settings: Settings) -> None:
    global _WORKER_STATE
    _WORKER_STATE = (facts, settings)


def _minify_job(job: tuple[Path, ModuleFacts, Plan | None, set[str] | None]) -> Minified:
    assert _WORKER_STATE is not None
    facts, settings = _WORKER_STATE
    path, local, extra, taken = job
    return minify_file(path, facts, local, settings, extra, taken)


def _raw_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def doctest_modules(root: Path) -> bool:
    """Whether the project's pytest configuration runs doctests in every module."""
    for name in ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini"):
        try:
            if "--doctest-modules" in (root / name).read_text(encoding="utf-8"):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def size_metrics(before: Sizes, after: Sizes, prefix: str = "") -> list[Metric]:
    """bytes, lines, tokens and gzip size, before and after."""
    return [
        Metric(f"{prefix}bytes", "bytes", before.bytes, after.bytes),
        Metric(f"{prefix}lines", "lines", before.lines, after.lines),
        Metric(f"{prefix}tokens", tokenizer_name(), before.tokens, after.tokens),
        Metric(f"{prefix}gzip", "bytes (gzip -9, per file)", before.gzip, after.gzip),
    ]


def _summarize(report: Report, results: list[Minified], copied: int, output: Path) -> None:
    before = sum((r.before for r in results), Sizes())
    after = sum((r.after for r in results), Sizes())
    report.metrics = size_metrics(before, after)
    done = sum(1 for r in results if r.output is not None)
    report.notes.append(
        f"{done} of {len(results)} Python files minified into {output}"
        + (f", {len(results) - done} copied unchanged" if done < len(results) else "")
        + (f", {copied} other files copied" if copied else ""))
    kept = sum(r.docstrings_kept for r in results)
    renamed = sum(r.renamed for r in results)
    report.notes.append(f"{renamed} name occurrences renamed; {kept} docstrings kept "
                        "because the program reads them (see docs/compress.md)")


def _test(report: Report, options: Options, output: Path) -> None:
    source = options.paths[0]
    start = time.perf_counter()
    done, where = run_tests(options.test_cmd or "", source, output)
    took = time.perf_counter() - start
    if done.returncode == 0 and not done.timed_out:
        report.notes.append(f"--test-cmd `{options.test_cmd}` passed against {where} "
                            f"({took:.1f} s)")
        return
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    state = "timed out" if done.timed_out else f"exited {done.returncode}"
    report.findings.append(Finding(
        "HLC002", f"--test-cmd `{options.test_cmd}` {state} against {where}", output,
        None, None, Severity.ERROR,
        data={"exit_code": done.returncode, "timed_out": done.timed_out, "output_tail": tail,
              "seconds": round(took, 3)}))
