"""The options of ``hlopt mutate`` and the data its stages hand each other."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.progress import Progress, no_progress

#: bump when mutants or their outcomes change meaning: it invalidates the cache
ENGINE_VERSION = "1"


class Outcome(enum.StrEnum):
    """What happened to one mutant."""

    killed = "killed"  # a selected test failed
    timeout = "timeout"  # the tests ran past the mutant's deadline (counted as detected)
    survived = "survived"  # every selected test passed
    no_tests = "no-tests"  # no test executes the mutated function
    error = "error"  # hlopt could not install the mutant (not counted in the score)


#: outcomes that count as the tests noticing the change
DETECTED = frozenset({Outcome.killed, Outcome.timeout})


@dataclass(frozen=True)
class Options:
    """Options of ``hlopt mutate``; see docs/mutate.md."""

    paths: tuple[Path, ...] = (Path("."),)
    #: the test command (``pytest -x -q tests/``); None: the project's pytest defaults
    tests: str | None = None
    #: function names or qualnames (``groupby``, ``Cls.meth``, ``path.py:func``)
    only: tuple[str, ...] = ()
    changed_since: str | None = None
    from_profile: Path | None = None
    top: int = 10
    from_nativize: bool = False
    #: (index, count), 1-based index: the deterministic slice of the mutants to run
    shard: tuple[int, int] | None = None
    min_score: float | None = None
    jobs: int | None = None
    #: the interpreter that runs the tests (default: the project's venv, then ours)
    python: Path | None = None
    #: timeout per mutant = factor * its tests' clean time + constant
    timeout_factor: float = 10.0
    timeout_constant: float = 1.0
    use_cache: bool = True
    cache_dir: Path | None = None
    exclude: tuple[str, ...] = ()
    cwd: Path | None = None
    progress: Progress = no_progress


@dataclass(frozen=True)
class Unit:
    """A function or method that is mutated as a whole: its mutants replace its code."""

    path: Path  # absolute
    rel: str  # relative to the project root, posix
    qualname: str  # Class.method or function
    line: int  # the def line
    first_line: int  # the first decorator's line (= co_firstlineno)
    end_line: int
    source: str  # the unit's source text (for the cache key)

    @property
    def key(self) -> str:
        return f"{self.rel}:{self.qualname}"


@dataclass(frozen=True)
class Mutant:
    """One small change to one unit, and the code that installs it."""

    id: str  # rel:qualname:n
    unit: Unit
    operator: str
    line: int
    col: int
    original: str  # the changed text before
    replacement: str  # and after
    diff: str  # unified diff of the unit
    code: str  # module source that compiles to the mutated unit (class wrappers included)


@dataclass
class Result:
    """The outcome of one mutant."""

    mutant_id: str
    unit_key: str
    outcome: Outcome
    seconds: float = 0.0
    tests_run: int = 0
    cached: bool = False
    #: survivors keep what the report shows
    line: int = 0
    col: int = 0
    operator: str = ""
    diff: str = ""
    original: str = ""
    replacement: str = ""


@dataclass
class CleanRun:
    """The unmutated test run: which tests pass, how long each takes, what each executes."""

    tests: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    #: unit key -> the tests that execute it
    coverage: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
