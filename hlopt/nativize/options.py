"""What one ``hlopt nativize`` run does: its ``Options``, and the backends that exist."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import UsageError
from hlopt.core.progress import Progress, no_progress

#: backend name -> the generator module (issue 6 adds "c" and "zig" modules)
GENERATORS = {"cython": "hlopt.nativize.cython_gen", "c": "hlopt.nativize.c_gen",
              "zig": "hlopt.nativize.zig_gen", "auto": "hlopt.nativize.ir_lower"}
#: backends whose build supports --fast-math (-ffast-math for C; @setFloatMode(.optimized)
#: in the generated functions for Zig)
FAST_MATH = ("cython", "c", "zig", "auto")


@dataclass(frozen=True)
class Options:
    """One nativize run: targets, evidence for types, checks and what to do at the end."""

    #: ``path.py:func`` / ``path.py:Class.method``; with ``revert`` the ones to revert;
    #: with ``check`` files or directories to check
    targets: tuple[str, ...] = ()
    #: a ``hlopt profile --format json`` report: nativize its hottest functions
    from_profile: Path | None = None
    top: int = 1
    backend: str = "cython"
    #: Python expressions calling the function (recorded as type evidence and test inputs)
    sample: tuple[str, ...] = ()
    #: a command (shell words, no shell) whose calls of the function are recorded
    sample_command: str | None = None
    #: with from_profile and no other samples: run the profiled program again to record
    #: the function's calls (the MCP server turns it off for programs outside its roots)
    resample_profile: bool = True
    #: generated (hypothesis) inputs verified on top of the recorded ones
    examples: int = 200
    compiler: str = "auto"
    apply: bool = False
    revert: bool = False
    check: bool = False
    #: interleaved measuring rounds (None: the bench default)
    rounds: int | None = None
    fast_math: bool = False
    cache_dir: Path | None = None
    seed: int = 0
    cwd: Path = Path(".")
    progress: Progress = no_progress


def available_backends() -> list[str]:
    """The backends whose generator is installed in this hlopt."""
    return [name for name, module in GENERATORS.items()
            if importlib.util.find_spec(module) is not None]


def validate(o: Options) -> None:
    """Refuse option combinations that cannot work, naming the valid choices."""
    modes = [name for name, on in (("--apply", o.apply), ("--revert", o.revert),
                                   ("--check", o.check)) if on]
    if len(modes) > 1:
        raise UsageError(f"{' and '.join(modes)} cannot be used together",
                         hint="run them one after the other")
    if (o.revert or o.check) and o.from_profile is not None:
        raise UsageError(f"{modes[0]} takes paths, not --from-profile")
    if o.revert and not o.targets:
        raise UsageError("--revert needs the functions to revert",
                         hint="hlopt nativize --revert app/stats.py:mean")
    if not (o.revert or o.check) and not o.targets and o.from_profile is None:
        raise UsageError("nothing to nativize",
                         hint="name a function (app/stats.py:mean) or use --from-profile "
                              "prof.json")
    if o.examples < 0:
        raise UsageError(f"--examples {o.examples}: must be 0 or more")
    if o.rounds is not None and o.rounds < 6:
        raise UsageError(f"--rounds {o.rounds}: must be at least 6",
                         hint="with fewer rounds the sign test can never call a speedup "
                              "significant, so nothing would be installed")


def validate_backend(o: Options) -> None:
    available = available_backends()
    if o.backend not in available:
        known = o.backend in GENERATORS
        raise UsageError(f"backend {o.backend!r} is not "
                         f"{'available in this hlopt yet' if known else 'known'}",
                         hint=f"choose one of: {', '.join(available) or 'none installed'}")
    if o.fast_math and o.backend not in FAST_MATH:
        raise UsageError(f"--fast-math is not supported by the {o.backend} backend",
                         hint=f"it works with: {', '.join(FAST_MATH)}")
