"""The data that flows through nativize's pipeline, shared by every backend.

select -> analyse -> type -> generate -> build -> verify -> measure -> install. Each
stage is a module of this package that takes and returns the dataclasses below, so the
Cython, C and Zig backends share everything but ``generate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: HLN codes (documented in hlopt/nativize/rules.py)
REFUSED_CONSTRUCT = "HLN001"  # a construct nativize cannot compile with the same meaning
REFUSED_DEPENDENCY = "HLN002"  # a global/closure/decorator the function needs is out of reach
UNTYPED = "HLN003"  # no type evidence for a parameter: kept as a Python object
BUILD_FAILED = "HLN004"  # the compiler (Cython, cc, zig) rejected the generated source
MISMATCH = "HLN010"  # the native function behaved differently on an input
NOT_FASTER = "HLN011"  # measured no faster than Python: not installed
STALE = "HLN020"  # an installed extension no longer matches its Python source (--check)
NOT_IN_BUILD = "HLN021"  # the project's build could not be made to ship the extension

#: the prefix of every name hlopt puts in a user's module or package
MARK = "_hlopt_"


@dataclass(frozen=True)
class NType:
    """A Python type as nativize reasons about it: ``list[float]`` is NType("list", (float,)).

    Names: int float bool complex str bytes bytearray memoryview None list tuple dict set
    frozenset object, and "..." as the second argument of a variable-length tuple.
    ``object`` means unknown: the value stays a Python object.
    """

    name: str
    args: tuple[NType, ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return self.name
        return f"{self.name}[{', '.join(str(a) for a in self.args)}]"


OBJECT = NType("object")


@dataclass(frozen=True)
class Target:
    """One function to nativize: ``path.py:func`` or ``path.py:Class.method``."""

    path: Path
    qualname: str
    #: the module's dotted name as the project imports it ("pkg.mod"; the stem for a script)
    module: str
    #: the directory that must be on sys.path to import ``module``
    root: Path
    line: int = 0

    @property
    def spec(self) -> str:
        return f"{self.path}:{self.qualname}"

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Refusal:
    """Why a function (or one of its parts) cannot be compiled with the same meaning."""

    code: str
    line: int
    message: str


@dataclass
class Analysis:
    """What the function needs, and what stops it."""

    target: Target
    #: the function's own source text (dedented), and the module's whole text
    source: str
    module_source: str
    params: list[str]
    #: same-module functions the target calls, compiled along (qualname -> source)
    helpers: dict[str, str] = field(default_factory=dict)
    #: module-level names read by the function or its helpers that are constants
    #: (never reassigned in the module): name -> value as source text
    constants: dict[str, str] = field(default_factory=dict)
    #: import statements (source text) the generated module repeats
    imports: list[str] = field(default_factory=list)
    #: other module globals read at call time (looked up in the user's module at bind)
    globals_read: list[str] = field(default_factory=list)
    #: True when the function assigns into a list/bytearray/dict argument
    mutates_args: bool = False
    refusals: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class Call:
    """One observed call: the arguments as they were when the call began (deep-copied)."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Typing:
    """The types the generator may rely on, and why each one was chosen."""

    params: dict[str, NType]
    returns: NType = OBJECT
    #: local variable -> type (only the certain ones)
    locals: dict[str, NType] = field(default_factory=dict)
    #: "n: int (annotation)", "xs: list[float] (200 recorded calls)", ...
    reasons: list[str] = field(default_factory=list)


@dataclass
class Generated:
    """A backend's output: the source of one extension module.

    Contract of every generated module (all backends): it defines the native function
    under the target's name, and ``_hlopt_bind(pyfunc)``, which stores the Python
    function as the fallback (called on int overflow and for argument types the native
    code was not built for) and returns the native callable. ``__hlopt__`` is a dict with
    at least ``source_hash`` (of the function and helpers' Python source), ``backend``
    and ``typing``.
    """

    backend: str  # "cython" | "c" | "zig"
    module_name: str  # the extension's import name, e.g. "_hlopt_mod_func"
    source: str
    suffix: str  # ".py" (Cython pure mode), ".c", ".zig"
    source_hash: str
    notes: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    """A built extension in the content-addressed cache."""

    path: Path  # the .so file
    module_name: str
    compiler: str  # "gcc 12.2.0", "zig cc 0.17.1", ...
    seconds: float
    size: int
    cached: bool
    flags: tuple[str, ...] = ()


@dataclass
class Mismatch:
    """One input on which the two functions differ, described so a person can rerun it."""

    call: str  # "func([1, 2], -3)"
    python: str  # "returned 5" / "raised ZeroDivisionError" / "mutated xs to [..]"
    native: str


@dataclass
class VerifyResult:
    recorded: int  # recorded inputs run
    generated: int  # hypothesis inputs run
    mismatches: list[Mismatch] = field(default_factory=list)
    #: inputs on which both raised the same exception type
    raised: int = 0
    #: inputs with an argument swapped for another type (tuple for list, int for float...)
    alternatives: int = 0
    #: inputs on which Python itself ran past the time or memory limit: not compared
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches
