"""``hlopt profile``: find where a program spends its time and say what to do about it.

The API is ``Options`` and ``run(options) -> Report``. ``run`` resolves the target
(``target``), records it with an engine (``engines``: py-spy, pyinstrument or cProfile,
``auto`` falling back in that order), ranks the functions (``hotspots``), optionally
measures memoization in a second traced run (``memo``), turns all of it into findings
with advice (``findings``, ``advice``, ``nativizable``) and writes the ``-o`` artifacts
(``artifacts``, ``flame``). ``--diff`` compares two reports instead (``diff``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from hlopt.core.errors import UsageError
from hlopt.core.report import Report
from hlopt.profile.options import Options

if TYPE_CHECKING:
    from hlopt.profile.hotspots import HotFunction
    from hlopt.profile.memo import MemoStats
    from hlopt.profile.model import FunctionId
    from hlopt.profile.target import Target

__all__ = ["Options", "run"]


def run(options: Options) -> Report:
    """Profile the program ``options`` names (or compare two reports) and report."""
    started = time.perf_counter()
    options.validate()
    if options.diff is not None:
        from hlopt.profile.diff import diff_reports

        report = diff_reports(options.diff[0], options.diff[1], options.top)
    else:
        report = _profile(options)
    report.duration_s = time.perf_counter() - started
    return report


def _profile(options: Options) -> Report:
    from hlopt.profile import artifacts, engines, findings
    from hlopt.profile.hotspots import aggregate
    from hlopt.profile.target import resolve_target

    cwd = (options.cwd or Path.cwd()).resolve()
    target = resolve_target(options.argv, options.module, options.pid, cwd)
    _check_outputs(options)
    with tempfile.TemporaryDirectory(prefix="hlopt-profile-") as tmp:
        workdir = Path(tmp)
        options.progress("profiling", 0, 2 if options.memo else 1)
        profile, notes = engines.record(options, target, workdir)
        ranked = aggregate(profile)
        stats: dict[FunctionId, MemoStats] = {}
        if options.memo:
            stats, note = _memo_pass(options, target, ranked, workdir, profile.wall_s)
            notes.append(note)
        elif target.kind not in ("pid", "command") and (hint := _memo_hint(ranked)):
            notes.append(hint)
        options.progress("profiling", 2 if options.memo else 1, 2 if options.memo else 1)
        if options.rate and profile.exact:
            notes.append("--rate: cProfile records every call; the rate does not apply")
        report = findings.build_report(options, target, profile, ranked, stats, notes, cwd)
        artifacts.write_all(options.outputs, profile, report)
    return report


def _check_outputs(options: Options) -> None:
    """Fail before the run, not after it, on an ``-o`` that cannot be written."""
    from hlopt.profile.artifacts import needs_stacks

    for out in options.outputs:
        if not out.resolve().parent.is_dir():
            raise UsageError(f"-o {out}: directory {out.parent} does not exist")
    drawn = needs_stacks(options.outputs)
    if options.engine == "cprofile" and drawn:
        raise UsageError(f"-o {drawn[0]}: cProfile records no stacks to draw",
                         hint="use --engine py-spy or pyinstrument, or -o NAME.json")


def _memo_pass(options: Options, target: Target, ranked: list[HotFunction], workdir: Path,
               first_wall: float) -> tuple[dict[FunctionId, MemoStats], str]:
    from hlopt.profile import memo

    if target.kind in ("pid", "command"):
        return {}, "--memo: skipped (a running process or a non-Python command cannot be " \
                   "run again under the tracer)"
    picks = memo.pick(ranked)
    if not picks:
        return {}, "--memo: no hot function of the program's own to trace"
    return memo.measure(options, target, picks, workdir, first_wall)


def _memo_hint(ranked: list[HotFunction]) -> str | None:
    from hlopt.profile.memo import pick

    picks = pick(ranked)
    if not picks:
        return None
    names = ", ".join(f"`{h.fid.qualname}`" for h in picks)
    return (f"add --memo to measure whether a cache would pay for {names} (it runs the "
            "program a second time, tracing their arguments)")
