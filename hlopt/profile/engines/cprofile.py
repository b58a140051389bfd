"""cProfile: a deterministic profiler with exact call counts (and the most overhead).

The child runner wraps the program in ``cProfile.Profile`` (``time.process_time`` as the
timer in ``--mode cpu``) and writes ``dump_stats``; hlopt reads it with :mod:`pstats`.
hlopt uses its own runner rather than ``python -m cProfile`` because that one reports
``sys.exit(3)`` as success and cannot stop cleanly after ``--duration``.
"""

from __future__ import annotations

import pstats
import re
from pathlib import Path

from hlopt.profile.engines.launch import RUNNER, launch, read_status, runner_command
from hlopt.profile.engines.pyinstrument import check_in_process
from hlopt.profile.engines.pyspy import MARKER, _fill_run
from hlopt.profile.model import ExactStats, Frame, FunctionId, Profile, resolve
from hlopt.profile.options import Options
from hlopt.profile.target import Target

_BUILTIN = re.compile(r"<built-in method (?:builtins\.)?(?P<name>[\w.]+)>")
_METHOD = re.compile(r"<method '(?P<meth>\w+)' of '(?P<cls>[\w.]+)' objects>")
#: the profiler's own entries and the runner's, never part of the program
_OURS = ("_lsprof.Profiler", MARKER)


class CProfile:
    name = "cprofile"

    def check(self, options: Options, target: Target) -> None:
        check_in_process(self.name, options, target)

    def record(self, options: Options, target: Target, workdir: Path) -> Profile:
        out, status_path = workdir / "cprofile.pstats", workdir / "status.json"
        spec = {"mode": "cprofile", "target": target.runner_target(),
                "status": str(status_path), "out": str(out), "timer": options.mode}
        launched = launch(runner_command(target, spec, workdir), duration=options.duration,
                          cwd=options.cwd)
        profile = Profile(engine=self.name, mode=options.mode)
        if out.is_file():
            profile.exact = read_pstats(out)
            profile.raw = {"pstats": str(out)}
        _fill_run(profile, read_status(status_path), launched.wall_s, launched.stopped)
        return profile


def read_pstats(path: Path) -> dict[FunctionId, ExactStats]:
    """Per-function self/total seconds and calls, without the runner and runpy."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]  # documented attr
    out: dict[FunctionId, ExactStats] = {}
    runner = str(RUNNER)
    for (file, line, name), (_cc, nc, tt, ct, _callers) in stats.items():
        if file == runner or file.endswith("runpy.py") or file == "<frozen runpy>" or \
                any(o in name for o in _OURS) or _is_runpy_exec(file, name):
            continue
        fid = resolve(Frame(_clean(name), file, 0, line or None))
        prev = out.get(fid)
        if prev is not None:  # two entries for one function (builtins seen twice)
            prev.self_s += tt
            prev.total_s = max(prev.total_s, ct)
            prev.calls += nc
            continue
        out[fid] = ExactStats(tt, ct, nc)
    return out


def _is_runpy_exec(file: str, name: str) -> bool:
    """``exec`` as called by the runner to run the program: its total is the whole run."""
    return file == "~" and name == "<built-in method builtins.exec>"


def _clean(name: str) -> str:
    """``<built-in method time.sleep>`` -> ``time.sleep``; ``<method 'sub' of ...>`` too."""
    m = _BUILTIN.fullmatch(name)
    if m:
        return m.group("name")
    m = _METHOD.fullmatch(name)
    if m:
        return f"{m.group('cls')}.{m.group('meth')}"
    return name
