"""Profiling engines (py-spy, pyinstrument, cProfile) and the ``auto`` choice between them.

Each engine module exports a class with ``name``, ``check(options, target)`` (raise
:class:`EngineRefused` when it cannot work here, UsageError when the options do not fit it)
and ``record(options, target, workdir) -> Profile``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hlopt.core.errors import HloptError, PrivilegeError, ToolchainError
from hlopt.profile.model import Profile
from hlopt.profile.options import Options
from hlopt.profile.target import Target


class EngineRefused(Exception):
    """An engine cannot work on this machine or for this interpreter."""

    def __init__(self, engine: str, reason: str, hint: str, *, privilege: bool = False) -> None:
        super().__init__(reason)
        self.engine = engine
        self.reason = reason
        self.hint = hint
        self.privilege = privilege

    def to_error(self) -> HloptError:
        cls = PrivilegeError if self.privilege else ToolchainError
        return cls(f"{self.engine}: {self.reason}", hint=self.hint)


class Engine(Protocol):
    name: str

    def check(self, options: Options, target: Target) -> None: ...

    def record(self, options: Options, target: Target, workdir: Path) -> Profile: ...


def get_engine(name: str) -> Engine:
    if name == "py-spy":
        from hlopt.profile.engines.pyspy import PySpy

        return PySpy()
    if name == "pyinstrument":
        from hlopt.profile.engines.pyinstrument import Pyinstrument

        return Pyinstrument()
    from hlopt.profile.engines.cprofile import CProfile

    return CProfile()


def candidates(options: Options, target: Target) -> list[str]:
    """The engines ``auto`` tries, best first."""
    if options.needs_py_spy or not target.is_python:
        return ["py-spy"]
    names = ["py-spy", "pyinstrument", "cprofile"]
    if options.mode == "cpu":
        names.remove("pyinstrument")  # wall-clock only
    return names


def record(options: Options, target: Target, workdir: Path) -> tuple[Profile, list[str]]:
    """Profile ``target`` with the chosen engine, or the first that works (``auto``)."""
    if options.engine != "auto":
        engine = get_engine(options.engine)
        try:
            engine.check(options, target)
            return engine.record(options, target, workdir), []
        except EngineRefused as exc:
            raise exc.to_error() from None
    notes: list[str] = []
    last: EngineRefused | None = None
    for name in candidates(options, target):
        engine = get_engine(name)
        try:
            engine.check(options, target)
            profile = engine.record(options, target, workdir)
        except EngineRefused as exc:
            notes.append(f"{exc.engine} cannot run here: {exc.reason}")
            last = exc
            continue
        if notes:
            notes.append(f"profiled with {name} instead (--engine auto)")
        return profile, notes
    assert last is not None
    error = last.to_error()
    needs = options.needs_py_spy or ("a command that is not Python" if not target.is_python
                                     else None)
    if needs:
        error.message = f"{needs} needs py-spy, which cannot run here: {last.reason}"
    raise error
