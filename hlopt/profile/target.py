"""What to profile: a script, a module, a command that runs Python, or a running process."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import InputError, UsageError
from hlopt.core.run import find_interpreter

_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)?t?)?(\.exe)?$")
#: interpreter options that take a value (``python -X importtime``)
_VALUE_FLAGS = ("-X", "-W", "--check-hash-based-pycs")


@dataclass(frozen=True)
class Target:
    """A program to launch (``kind`` script, module, code or command) or a ``pid``."""

    kind: str
    #: an absolute script path, a module name, code, a command path, or the pid
    value: str
    args: tuple[str, ...] = ()
    #: the Python that runs it; None for a pid and for a command that is not Python
    interpreter: Path | None = None
    #: interpreter options given before the script (``python -X dev app.py``)
    flags: tuple[str, ...] = ()
    display: str = ""

    @property
    def pid(self) -> int | None:
        return int(self.value) if self.kind == "pid" else None

    @property
    def is_python(self) -> bool:
        return self.interpreter is not None

    def runner_target(self) -> dict[str, object]:
        """The ``target`` object of the child runner's spec."""
        return {"kind": self.kind, "value": self.value, "args": list(self.args)}


def resolve_target(argv: Sequence[str], module: str | None, pid: int | None,
                   cwd: Path) -> Target:
    """Turn the command line's program part into a :class:`Target`, or explain what is wrong."""
    if pid is not None:
        if argv or module:
            raise UsageError("--pid cannot be combined with a script, module or command",
                             hint="attach with `hlopt profile --pid N`, or launch a program")
        return _pid_target(pid)
    if module:
        interp = find_interpreter(cwd)
        return Target("module", module, tuple(argv), interp,
                      display=shlex.join(["-m", module, *argv]))
    if not argv:
        raise UsageError("nothing to profile",
                         hint="give a script (`hlopt profile app.py -- ARGS`), `-m module`, "
                              "`-- COMMAND ...` or `--pid N`")
    return _program_target(list(argv), cwd)


def _pid_target(pid: int) -> Target:
    if pid <= 0:
        raise UsageError(f"--pid {pid} is not a process id", hint="give a positive pid")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise InputError(f"no process with pid {pid}",
                         hint="list running Python processes with `ps -eo pid,args | "
                              "grep python`") from None
    except PermissionError:
        pass  # it exists; py-spy will say whether it may read it
    return Target("pid", str(pid), display=f"pid {pid}")


def _program_target(argv: list[str], cwd: Path) -> Target:
    first = argv[0]
    path = (cwd / first) if not os.path.isabs(first) else Path(first)
    display = shlex.join(argv)
    looks_like_path = first.endswith(".py") or os.sep in first
    if path.is_dir() and (path / "__main__.py").is_file():
        return Target("script", str(path.resolve()), tuple(argv[1:]),
                      find_interpreter(path), display=display)
    if path.is_file() and (first.endswith(".py") or not os.access(path, os.X_OK)):
        return Target("script", str(path.resolve()), tuple(argv[1:]),
                      find_interpreter(path), display=display)
    if looks_like_path and not path.exists():
        raise InputError(f"{first}: no such script",
                         hint=f"check the path (relative to {cwd})")
    found = str(path) if path.is_file() else shutil.which(first)
    if found is None:
        raise InputError(f"{first}: command not found",
                         hint="give a script path, `-m module`, or a command on PATH")
    return _command_target(Path(found), argv[1:], display)


def _command_target(exe: Path, rest: list[str], display: str) -> Target:
    """A command on PATH: a Python interpreter, a Python console script, or something else."""
    if _PYTHON_NAME.match(exe.name):
        return _interpreter_target(exe, rest, display)
    shebang = _shebang_python(exe)
    if shebang is not None:
        return Target("script", str(exe.resolve()), tuple(rest), shebang, display=display)
    return Target("command", str(exe), tuple(rest), None, display=display)


def _interpreter_target(python: Path, rest: list[str], display: str) -> Target:
    """``python [flags] (script | -m mod | -c code) args``."""
    flags: list[str] = []
    i = 0
    while i < len(rest) and rest[i].startswith("-") and rest[i] not in ("-m", "-c", "-"):
        flags.append(rest[i])
        if rest[i] in _VALUE_FLAGS and i + 1 < len(rest):
            flags.append(rest[i + 1])
            i += 1
        i += 1
    rest = rest[i:]
    if not rest or rest[0] == "-":
        raise UsageError(f"`{display}` starts an interactive Python",
                         hint="give the interpreter a script, `-m module` or `-c code`")
    if rest[0] in ("-m", "-c"):
        if len(rest) < 2:
            raise UsageError(f"`{display}`: {rest[0]} needs a value")
        kind = "module" if rest[0] == "-m" else "code"
        return Target(kind, rest[1], tuple(rest[2:]), python, tuple(flags), display)
    script = Path(rest[0])
    if not script.exists():
        raise InputError(f"{rest[0]}: no such script", hint="check the path")
    return Target("script", str(script.resolve()), tuple(rest[1:]), python, tuple(flags),
                  display)


def _shebang_python(exe: Path) -> Path | None:
    """The interpreter of a Python console script (``#!/venv/bin/python``), else None."""
    try:
        with exe.open("rb") as f:
            head = f.read(512).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if not head or not head[0].startswith("#!"):
        return None
    words = head[0][2:].split()
    if words and words[0].endswith("/sh") and len(head) > 1 and head[1].startswith("'''exec'"):
        words = shlex.split(head[1][len("'''exec' "):])[:1]  # pip's wrapper for long paths
    if words and Path(words[0]).name == "env" and len(words) > 1:
        found = shutil.which(words[1])
        words = [found] if found else []
    if words and _PYTHON_NAME.match(Path(words[0]).name):
        return Path(words[0])
    return None
