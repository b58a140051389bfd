"""Run debloat: discover files, scan them in parallel, check the whole tree, fix safely."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hlopt.core import rules
from hlopt.core.config import Config, load_config
from hlopt.core.errors import InputError
from hlopt.core.files import ReadError, Source, discover, read_source, write_atomic
from hlopt.core.noqa import parse_noqa
from hlopt.core.parallel import parallel_map
from hlopt.core.report import Applicability, Finding, Metric, Report, Severity
from hlopt.core.source import ParseError, check_rewrite, diff_text, internal_error, parse_ast
from hlopt.debloat.model import Family, ModuleInfo, ModuleRef, Options, Project, group_by_path
from hlopt.debloat.scan import module_name_for, scan_imports

#: the families debloat runs, in the order their fixes apply
FAMILY_MODULES: tuple[str, ...] = (
    "hlopt.debloat.imports",
    "hlopt.debloat.deadcode",
    "hlopt.debloat.deps",
    "hlopt.debloat.async_calls",
    "hlopt.debloat.slow_patterns",
    "hlopt.debloat.regex_family",
    "hlopt.debloat.startup_family",
)


def load_families(prefixes: Sequence[str] | None = None) -> list[Family]:
    """The families of FAMILY_MODULES (only those of ``prefixes`` when given), in order."""
    families = [Family.from_module(importlib.import_module(m)) for m in FAMILY_MODULES]
    return families if prefixes is None else [f for f in families if f.prefix in prefixes]


def needed(families: Sequence[Family], select: Sequence[str] | None,
           ignore: Sequence[str]) -> list[Family]:
    """The families whose rules this run may report: a ``--select HLI`` run neither scans
    nor checks for the other families' facts."""
    def wanted(prefix: str) -> bool:
        if select is not None and not any(
                s == "ALL" or s.startswith(prefix) or prefix.startswith(s) for s in select):
            return False
        return not any(i == "ALL" or prefix.startswith(i) for i in ignore)

    return [f for f in families if wanted(f.prefix)]


def _use_families(prefixes: tuple[str, ...]) -> None:
    """Worker initializer: the families this run scans and fixes with."""
    global _FAMILIES
    _FAMILIES = load_families(prefixes)


def run(options: Options) -> Report:
    """Analyse ``options.paths``; fix, diff or check when asked; return the report."""
    start = time.perf_counter()
    config = load_config(options.paths, options.config)
    options = _merge_config(options, config)
    if options.profile is not None:  # a bad profile is an input error before any work
        from hlopt.debloat import hotspots

        hotspots.load(options.profile, config.root)
    select = rules.validate_prefixes(options.select) if options.select else None
    ignore = rules.validate_prefixes(options.ignore)
    families = needed(load_families(), select, ignore)

    project, problems = analyse(options, config, families)
    findings = _filter(problems + _check(project, families), project, select, ignore, options)
    before = _measure(project, findings)

    report = Report("debloat", ", ".join(str(p) for p in options.paths), list(findings))
    if options.fix or options.diff or options.check:
        outcome = apply_fixes(findings, families, options)
        report.findings.extend(outcome.failures)
        report.diff = outcome.diff if options.diff else ""
        if options.check and outcome.changed:
            report.forced_exit = 1
        elif options.check:
            report.forced_exit = 0
        if options.fix and not (options.diff or options.check):
            project, problems = analyse(options, config, families)
            after_findings = _filter(problems + _check(project, families), project, select,
                                     ignore, options)
            report.findings = after_findings + outcome.failures
            report.notes.append(_fixed_note(outcome, len(findings) - len(after_findings)))
            report.metrics = _metrics(before, _measure(project, after_findings))
        else:
            verb = "would change" if outcome.changed else "would change no file"
            report.notes.append(f"--fix {verb}"
                                + (f" {len(outcome.changed)} file(s)" if outcome.changed else ""))
            report.metrics = _metrics(before, None)
    else:
        report.metrics = _metrics(before, None)
    report.duration_s = time.perf_counter() - start
    return report


def _merge_config(options: Options, config: Config) -> Options:
    """CLI values win; lists from [tool.hlopt] and [tool.hlopt.debloat] are added."""
    sec = "debloat"
    select = options.select
    if select is None:
        configured = config.get_list("select", sec) or config.get_list("select")
        select = tuple(configured) or None
    min_conf = options.min_confidence or int(config.get("min-confidence", 0, sec))
    whitelist = options.whitelist + tuple(
        (config.root / p) for p in config.get_list("whitelist", sec)
    )
    return replace(
        options,
        select=select,
        ignore=options.ignore + tuple(config.get_list("ignore", sec) + config.get_list("ignore")),
        exclude=options.exclude + tuple(config.get_list("exclude") + config.get_list("exclude", sec)),
        entry=options.entry or tuple(config.get_list("entry", sec) or config.get_list("entry")),
        min_confidence=min_conf,
        whitelist=whitelist,
        side_effect_imports=options.side_effect_imports
        + tuple(config.get_list("side-effect-imports", sec)),
    )


def analyse(options: Options, config: Config,
            families: Sequence[Family]) -> tuple[Project, list[Finding]]:
    """Discover and scan every file; build the Project the families check."""
    found = discover(list(options.paths), exclude=options.exclude,
                     respect_gitignore=options.respect_gitignore)
    modules = parallel_map(_scan_file, found.files, options.jobs, options.progress, "scanning",
                           initializer=_use_families,
                           initargs=(tuple(f.prefix for f in families),))
    problems = list(found.problems) + [m.problem for m in modules if m.problem is not None]
    project = Project(
        root=config.root,
        modules=modules,
        config=config,
        options=options,
        entries=options.entry + _console_scripts(config, {m.name for m in modules}),
        whitelist=frozenset(_read_whitelist(options.whitelist)),
        side_effect_imports=frozenset(options.side_effect_imports),
    )
    return project, problems


def _console_scripts(config: Config, analysed: set[str]) -> tuple[str, ...]:
    """[project.scripts] entry points whose module is in the analysed tree.

    A script whose module lies outside the analysed paths says nothing about them: a run
    over one sub-package of an application still treats that sub-package as a library.
    """
    project = config.pyproject.get("project", {})
    scripts = {**project.get("scripts", {}), **project.get("gui-scripts", {})}
    targets = (str(v) for v in scripts.values())
    return tuple(t for t in targets if t.split(":", 1)[0].strip() in analysed)


def _read_whitelist(paths: Iterable[Path]) -> list[str]:
    """Names from whitelist files: identifiers anywhere in them (a .py whitelist or a list)."""
    import re

    names: list[str] = []
    for p in paths:
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{p}: cannot read whitelist: {exc.strerror or exc}") from exc
        for line in text.splitlines():
            line = line.split("#", 1)[0]
            names.extend(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line))
    return names


_FAMILIES: list[Family] | None = None


def _scan_file(path: Path) -> ModuleInfo:
    """Worker: read, parse and collect every family's facts for one file."""
    global _FAMILIES
    if _FAMILIES is None:
        _FAMILIES = load_families()
    name, is_package = module_name_for(path)
    info = ModuleInfo(path=path, name=name, is_package=is_package)
    try:
        source = read_source(path)
        info.size = len(source.raw)
        info.lines = source.text.count("\n") + (not source.text.endswith("\n") and bool(source.text))
        tree = parse_ast(source.text, path)
    except (ReadError, ParseError) as exc:
        info.problem = exc.finding
        return info
    try:
        info.noqa = parse_noqa(source.text)
        info.imports = scan_imports(tree, name, is_package)
        ref = ModuleRef(path, name, is_package, source.text)
        for fam in _FAMILIES:
            info.facts[fam.prefix] = fam.collect(tree, ref)
    except RecursionError:
        info.problem = Finding("HLX003", "cannot analyse: nesting too deep", path, None, None)
    except Exception:
        info.problem = internal_error(path, "scanning")
    return info


def _check(project: Project, families: Sequence[Family]) -> list[Finding]:
    out: list[Finding] = []
    for fam in families:
        try:
            out.extend(fam.check(project))
        except Exception:
            out.append(internal_error(None, f"checking {fam.prefix} rules"))
    return out


def _filter(findings: list[Finding], project: Project, select: Sequence[str] | None,
            ignore: Sequence[str], options: Options) -> list[Finding]:
    noqa = {m.path: m.noqa for m in project.modules}
    out = []
    for f in findings:
        if not rules.is_selected(f.code, select, ignore):
            continue
        if f.confidence is not None and f.confidence < options.min_confidence:
            continue
        n = noqa.get(f.path) if f.path is not None else None
        if n is not None and n.suppresses(f):
            continue
        out.append(f)
    if options.profile is not None:
        from hlopt.debloat import hotspots

        return hotspots.order(out, hotspots.load(options.profile, project.root))
    return sorted(out, key=Finding.sort_key)


@dataclass
class _Measure:
    files: int
    lines: int
    size: int
    imports: int
    counts: dict[str, int]
    #: what families measured while checking: name -> (unit, value)
    measured: dict[str, tuple[str, float]]


def _measure(project: Project, findings: Sequence[Finding]) -> _Measure:
    counts = {p: 0 for p in ("HLI", "HLD", "HLE", "HLX")}
    for f in findings:
        counts[f.code[:3]] = counts.get(f.code[:3], 0) + 1
    ok = list(project.ok_modules())
    return _Measure(
        files=len(project.modules),
        lines=sum(m.lines for m in ok),
        size=sum(m.size for m in ok),
        imports=sum(len(m.imports) for m in ok),
        counts=counts,
        measured=dict(project.measured),
    )


def _metrics(before: _Measure, after: _Measure | None) -> list[Metric]:
    def pair(get: Callable[[_Measure], float]) -> tuple[float, float | None]:
        return get(before), (get(after) if after is not None else None)

    out = [
        Metric("files", "files", *pair(lambda m: m.files)),
        Metric("lines", "lines", *pair(lambda m: m.lines)),
        Metric("size", "bytes", *pair(lambda m: m.size)),
        Metric("imports", "bindings", *pair(lambda m: m.imports)),
    ]
    for fam in sorted(before.counts):
        out.append(Metric(f"findings {fam}", "findings",
                          *pair(lambda m, fam=fam: m.counts.get(fam, 0))))
    for name, (unit, value) in before.measured.items():
        again = after.measured.get(name) if after is not None else None
        out.append(Metric(name, unit, value, again[1] if again else None))
    return out


@dataclass
class FixOutcome:
    changed: list[Path]
    failures: list[Finding]
    diff: str
    applied: int


def _fixable(f: Finding, unsafe: bool) -> bool:
    if f.fix is None:
        return False
    a = f.fix.applicability
    return a is Applicability.SAFE or (unsafe and a is Applicability.UNSAFE)


def apply_fixes(findings: Sequence[Finding], families: Sequence[Family],
                options: Options) -> FixOutcome:
    """Compute (and with ``--fix`` write) every selected fix, one checked rewrite per file."""
    wanted = [f for f in findings if _fixable(f, options.unsafe_fixes)]
    jobs = list(group_by_path(wanted).items())
    write = options.fix and not (options.diff or options.check)
    results = parallel_map(_FixJob(write), jobs, options.jobs, options.progress, "fixing",
                           initializer=_use_families,
                           initargs=(tuple(f.prefix for f in families),))
    outcome = FixOutcome([], [], "", 0)
    diffs = []
    for path, n, diff, failure in results:
        if failure is not None:
            outcome.failures.append(failure)
        if diff:
            outcome.changed.append(path)
            outcome.applied += n
            diffs.append(diff)
    outcome.diff = "".join(diffs)
    return outcome


@dataclass(frozen=True)
class _FixJob:
    """Worker: rewrite one file with its findings' fixes (picklable for the pool)."""

    write: bool

    def __call__(self, job: tuple[Path, list[Finding]]) -> tuple[Path, int, str, Finding | None]:
        path, fs = job
        global _FAMILIES
        if _FAMILIES is None:
            _FAMILIES = load_families()
        try:
            source = read_source(path)
        except ReadError as exc:
            return path, 0, "", exc.finding
        try:
            new, failure = _rewrite_checked(source, fs, _FAMILIES)
        except Exception as exc:
            return path, 0, "", _rewrite_error(path, exc)
        if failure is not None or new == source.text:
            return path, 0, "", failure
        if self.write:
            try:
                write_atomic(source, new)
            except OSError as exc:
                return path, 0, "", Finding("HLX001", f"cannot write file: "
                                            f"{exc.strerror or exc}", path)
        return path, len(fs), diff_text(source.text, new, path), None


def _rewrite_error(path: Path, exc: Exception) -> Finding:
    """HLX005 when libcst cannot read the file (valid Python it does not support), else a bug.

    Call inside the ``except`` block: internal_error logs the active traceback.
    """
    import libcst

    if isinstance(exc, libcst.ParserSyntaxError):
        why = str(exc).splitlines()[0] if str(exc) else "unsupported syntax"
        return Finding("HLX005", f"cannot rewrite: libcst cannot parse this file ({why});"
                       " its fixes were not applied", path, None, None,
                       Severity.WARNING)
    return internal_error(path, "fixing")


def _rewrite_checked(source: Source, fs: list[Finding],
                     families: Sequence[Family]) -> tuple[str, Finding | None]:
    per_family = [(fam, [f for f in fs if f.code.startswith(fam.prefix)]) for fam in families]
    per_family = [(fam, ffs) for fam, ffs in per_family if ffs and fam.fix is not None]

    def rewrite(text: str) -> str:
        for fam, ffs in per_family:
            assert fam.fix is not None
            text = fam.fix(text, source.path, ffs)
        return text

    def remaining(text: str, tree: object) -> list[str]:
        left: list[str] = []
        for fam, ffs in per_family:
            if fam.remaining is not None:
                left.extend(fam.remaining(text, tree, ffs))
        return left

    new = rewrite(source.text)
    outcome = check_rewrite(source.path, source.text, new, rewrite_again=rewrite,
                            remaining=remaining)
    return outcome.text, outcome.failure


def _fixed_note(outcome: FixOutcome, removed: int) -> str:
    files = len(outcome.changed)
    return (f"Fixed {outcome.applied} finding(s) in {files} file(s);"
            f" {max(removed, 0)} fewer finding(s) after the fix.")
