"""pyinstrument: a statistical profiler inside the program (wall-clock time, async aware).

The child runner starts ``pyinstrument.Profiler`` around the program in the target's
interpreter and saves the session as JSON; hlopt reads its frame records (root-first
stacks of ``name\\x00file\\x00first_line`` with ``\\x01l<line>`` and ``\\x01c<class>``
attributes) and keeps the session for the HTML artifact.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hlopt.core.errors import UsageError
from hlopt.profile.engines import EngineRefused
from hlopt.profile.engines.launch import ENGINE_UNAVAILABLE, launch, read_status, runner_command
from hlopt.profile.engines.pyspy import MARKER, _fill_run
from hlopt.profile.model import Frame, Profile, strip_frames
from hlopt.profile.options import Options
from hlopt.profile.target import Target

DEFAULT_INTERVAL = 0.001


class Pyinstrument:
    name = "pyinstrument"

    def check(self, options: Options, target: Target) -> None:
        if options.mode == "cpu":
            raise UsageError("pyinstrument measures wall-clock time only",
                             hint="use --mode wall, or --engine py-spy / cprofile for CPU time")
        check_in_process(self.name, options, target)

    def record(self, options: Options, target: Target, workdir: Path) -> Profile:
        out, status_path = workdir / "pyinstrument.json", workdir / "status.json"
        interval = 1.0 / options.rate if options.rate else DEFAULT_INTERVAL
        spec = {"mode": "pyinstrument", "target": target.runner_target(),
                "status": str(status_path), "out": str(out), "interval": interval,
                **_own_pyinstrument()}
        launched = launch(runner_command(target, spec, workdir), duration=options.duration,
                          cwd=options.cwd)
        status = read_status(status_path)
        if launched.returncode == ENGINE_UNAVAILABLE and status and status.get("engine_error"):
            raise EngineRefused(self.name, str(status["engine_error"]),
                                "install pyinstrument into that environment, or use "
                                "--engine cprofile")
        profile = Profile(engine=self.name, mode="wall", interval_s=interval)
        if out.is_file():
            session = json.loads(out.read_text(encoding="utf-8"))
            profile.samples = parse_session(session)
            profile.raw = {"pyinstrument_session": str(out)}
        _fill_run(profile, status, launched.wall_s, launched.stopped)
        return profile


def check_in_process(engine: str, options: Options, target: Target) -> None:
    """Engines that run inside the program cannot attach, follow children or see C."""
    flag = options.needs_py_spy
    if flag:
        raise UsageError(f"{flag} needs py-spy; {engine} runs inside the program",
                         hint="use --engine py-spy (or auto)")
    if not target.is_python:
        raise UsageError(f"`{target.display}` is not a Python program",
                         hint=f"{engine} runs inside Python; use --engine py-spy "
                              "--subprocesses")


def _own_pyinstrument() -> dict[str, Any]:
    """Let the runner borrow hlopt's pyinstrument when the target's Python is the same."""
    try:
        import pyinstrument
    except ImportError:
        return {}
    site = str(Path(pyinstrument.__file__).resolve().parent.parent)
    return {"extra_path": site, "extra_path_version": list(sys.version_info[:2])}


def parse_session(session: dict[str, Any]) -> list[tuple[tuple[Frame, ...], float]]:
    """pyinstrument's frame records as stacks below the runner, weights in seconds."""
    samples: list[tuple[tuple[Frame, ...], float]] = []
    cache: dict[str, Frame] = {}
    for call_stack, weight in session.get("frame_records", ()):
        frames = []
        for info in call_stack:
            frame = cache.get(info)
            if frame is None:
                frame = cache[info] = _frame(info)
            frames.append(frame)
        stack = strip_frames(frames, MARKER)
        if stack:
            samples.append((stack, float(weight)))
    return samples


def _frame(info: str) -> Frame:
    identifier, *attributes = info.split("\x01")
    parts = identifier.split("\x00")
    name = parts[0]
    file = parts[1] if len(parts) > 1 else ""
    first = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    line, cls = 0, ""
    for attr in attributes:
        if attr.startswith("l") and attr[1:].isdigit():
            line = int(attr[1:])
        elif attr.startswith("c"):
            cls = attr[1:]
    if cls and "." not in name:
        name = f"{cls}.{name}"
    return Frame(name, file, line, first or None)
