"""The options of ``hlopt profile`` (a frozen dataclass the CLI and the MCP server build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.errors import UsageError
from hlopt.core.progress import Progress, no_progress

ENGINES = ("auto", "py-spy", "pyinstrument", "cprofile")
MODES = ("wall", "cpu")
#: ``-o`` suffix -> artifact kind (the longest matching suffix wins)
OUTPUT_KINDS = {
    ".speedscope.json": "speedscope",
    ".json": "report",
    ".html": "html",
    ".svg": "flamegraph",
}


@dataclass(frozen=True)
class Options:
    """What to profile, with which engine, and what to write."""

    #: a script and its arguments, or a command (``pytest tests/``); empty with -m or --pid
    argv: tuple[str, ...] = ()
    #: run this module as ``python -m``; ``argv`` are then its arguments
    module: str | None = None
    #: attach to this running process (py-spy only)
    pid: int | None = None
    #: ``auto`` (py-spy, then pyinstrument, then cProfile), or one of them
    engine: str = "auto"
    #: ``wall``: the main thread's time, waiting included; ``cpu``: time on a CPU
    mode: str = "wall"
    #: samples per second (py-spy default 100, pyinstrument 1000); cProfile ignores it
    rate: int | None = None
    #: stop the program (SIGINT, then terminate) after this many seconds
    duration: float | None = None
    #: py-spy: include native (C, Cython, Rust) frames
    native: bool = False
    #: py-spy: follow child processes
    subprocesses: bool = False
    #: py-spy: include idle threads (every thread, waiting or not)
    idle: bool = False
    #: how many hot functions to report
    top: int = 10
    #: report the hottest lines inside each hot function
    lines: bool = False
    #: run the program a second time, tracing the top functions' arguments
    memo: bool = False
    #: artifacts to write, chosen by extension (see OUTPUT_KINDS)
    outputs: tuple[Path, ...] = ()
    #: compare two profile reports instead of profiling
    diff: tuple[Path, Path] | None = None
    #: the directory the program runs in (default: the current one)
    cwd: Path | None = None
    progress: Progress = field(default=no_progress, compare=False)

    def validate(self) -> None:
        """Raise UsageError for a value or combination that cannot work."""
        _choice("--engine", self.engine, ENGINES)
        _choice("--mode", self.mode, MODES)
        if self.rate is not None and not 1 <= self.rate <= 10_000:
            raise UsageError(f"--rate {self.rate} is out of range", hint="give 1 to 10000 Hz")
        if self.duration is not None and self.duration <= 0:
            raise UsageError(f"--duration {self.duration} must be positive")
        if self.top < 1:
            raise UsageError(f"--top {self.top} must be at least 1")
        for out in self.outputs:
            output_kind(out)
        if self.diff is not None and (self.argv or self.module or self.pid is not None):
            raise UsageError("--diff compares two reports; it cannot also profile a program",
                             hint="run `hlopt profile --diff before.json after.json` alone")

    @property
    def needs_py_spy(self) -> str | None:
        """The option that only py-spy can serve, if any."""
        for flag, on in (("--pid", self.pid is not None), ("--native", self.native),
                         ("--subprocesses", self.subprocesses), ("--idle", self.idle)):
            if on:
                return flag
        return None


def output_kind(path: Path) -> str:
    """The artifact kind of an ``-o`` path, by its extension."""
    name = path.name.lower()
    for suffix, kind in OUTPUT_KINDS.items():
        if name.endswith(suffix):
            return kind
    raise UsageError(f"-o {path}: unknown output type",
                     hint="use .json (report), .speedscope.json, .html (pyinstrument) or "
                          ".svg (flame graph)")


def _choice(flag: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"{flag} {value!r} is not one of: {', '.join(choices)}")
