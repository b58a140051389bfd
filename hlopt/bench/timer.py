"""Measure in fresh child processes: a statement loop (via ``runner``) or a whole command."""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hlopt.bench.model import CallableSpec, CommandSpec
from hlopt.core.errors import InputError, ToolchainError
from hlopt.core.run import run as run_process

#: how much of a child's stderr an error message quotes
_TAIL = 600


@cache
def runner_source() -> str:
    """The child script's text, passed with ``python -c`` (no hlopt needed in the child)."""
    return (Path(__file__).with_name("runner.py")).read_text(encoding="utf-8")


def interpreter(spec: CallableSpec) -> str:
    if spec.python is not None:
        return str(spec.python)
    from hlopt.core.run import find_interpreter

    return str(find_interpreter(spec.cwd))


def child_env(paths: Sequence[Path], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Our environment with ``paths`` first on PYTHONPATH (they beat editable installs)."""
    env = dict(os.environ)
    parts = [str(p) for p in paths]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    if parts:
        env["PYTHONPATH"] = os.pathsep.join(parts)
    env.update(extra or {})
    return env


def run_child(spec: CallableSpec, job: Mapping[str, object], *, timeout: float,
              prefix: Sequence[str] = (), env: Mapping[str, str] | None = None) -> dict:
    """Run the runner once for ``spec`` in mode ``job["mode"]``; its JSON result.

    Raises InputError when the target does not import, the setup or statement raises,
    or the child does not finish within ``timeout`` seconds.
    """
    with tempfile.TemporaryDirectory(prefix="hlopt-bench-") as tmp:
        out = Path(tmp) / "result.txt"
        payload = {"target": spec.target, "names": spec.bound_names(), "setup": spec.setup,
                   "stmt": spec.statement, "out": str(out), **job}
        args = [*prefix, interpreter(spec), "-c", runner_source(), repr(payload)]
        done = run_process(args, timeout=timeout, cwd=spec.cwd,
                           env=child_env(spec.paths, {**spec.env, **(env or {})}))
        if done.timed_out:
            raise InputError(f"{spec.label}: did not finish within {timeout:g} s (--timeout)",
                             hint="the statement may never return; fix it or raise --timeout")
        if not out.is_file():
            raise ToolchainError(f"{spec.label}: the benchmark child exited with "
                                 f"{done.returncode} and no result",
                                 hint=_tail(done.stderr) or "run the statement by hand")
        result = ast.literal_eval(out.read_text(encoding="utf-8"))
    if "error" in result:
        raise child_error(spec, result)
    return result


def child_error(spec: CallableSpec, result: Mapping[str, str]) -> InputError:
    """The child's exception as an InputError naming the phase that failed."""
    phase = result.get("phase", "?")
    what = {"import": f"cannot import {spec.target}", "setup": "--setup raised",
            "compile": "--stmt is not valid Python", "stmt": "--stmt raised"}.get(phase, phase)
    hint = f"raised at {result['where']}" if result.get("where") else None
    if phase == "import" and hint is None:
        hint = "run from the project directory, or check the module path (pkg.mod:func)"
    return InputError(f"{spec.label}: {what}: {result['error']}", hint=hint)


def _tail(text: str) -> str:
    return text.strip()[-_TAIL:]


@dataclass(frozen=True)
class CommandRun:
    """One run of a whole command: wall and CPU seconds, peak RSS bytes."""

    wall: float
    cpu: float
    rss: float


#: a small process that forks the command, waits for it and reports its wall time and
#: rusage. The command must not be a child of hlopt itself: Linux keeps in a child's
#: ru_maxrss the memory its parent had when it forked (hlopt, tens of MB). Forked from
#: this helper (python -S, about 7 MB), a command's peak RSS is its own, never less than
#: the helper's. The wall time runs from fork to wait4, the helper's start-up excluded.
_SPAWN = """
import os, sys, time
start = time.perf_counter_ns()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        os.write(2, (sys.argv[2] + ": " + (exc.strerror or str(exc)) + "\\n").encode())
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter_ns() - start
with open(sys.argv[1], "w") as fh:
    fh.write(repr((os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime,
                   usage.ru_maxrss)))
"""


def run_command(spec: CommandSpec, *, timeout: float,
                env: Mapping[str, str] | None = None) -> CommandRun:
    """Run the command once (through _SPAWN): wall, CPU and peak RSS of the command."""
    with tempfile.TemporaryDirectory(prefix="hlopt-bench-cmd-") as tmp:
        out, err_path = Path(tmp) / "result.txt", Path(tmp) / "stderr.txt"
        with err_path.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-E", "-c", _SPAWN, str(out), *spec.argv],
                cwd=spec.cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, env=child_env((), {**spec.env, **(env or {})}),
                start_new_session=True)
            timed_out = _wait(proc, timeout)
        stderr = err_path.read_text(errors="replace")
        if timed_out or not out.is_file():
            check_command(spec, proc.returncode, timeout if timed_out else None, stderr)
        code, wall, cpu, maxrss = ast.literal_eval(out.read_text())
    check_command(spec, code, None, stderr)
    return CommandRun(wall / 1e9, cpu, maxrss * 1024.0)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for ``proc``; on timeout (or Ctrl-C) kill its whole group. True if it timed out."""
    from hlopt.core.run import terminate

    try:
        proc.wait(timeout=timeout)
        return False
    except subprocess.TimeoutExpired:
        terminate(proc, grace=0.5)  # type: ignore[arg-type]  # text mode does not matter
        return True
    except BaseException:
        terminate(proc, grace=0.5)  # type: ignore[arg-type]
        raise


def check_command(spec: CommandSpec, code: int, timed_out: float | None, stderr: str) -> None:
    """InputError for a command that hung (``timed_out``: the timeout), could not start or
    failed."""
    if timed_out:
        raise InputError(f"--cmd {spec.label}: did not finish within {timed_out:g} s "
                         "(--timeout)",
                         hint="raise --timeout, or check the command terminates")
    if code == 127 and stderr.strip():
        raise InputError(f"--cmd {spec.label}: cannot run it: {_tail(stderr)}",
                         hint="check the program name and that it is executable")
    if code != 0:
        raise InputError(f"--cmd {spec.label}: exited with {code}; a failing command is not "
                         "timed", hint=_tail(stderr) or "run the command by hand")


def split_command(text: str) -> tuple[str, ...]:
    """``--cmd`` text to argv (POSIX shell words; no shell runs it)."""
    try:
        argv = tuple(shlex.split(text))
    except ValueError as exc:
        raise InputError(f"--cmd {text!r}: {exc}", hint="check the quoting") from None
    if not argv:
        raise InputError("--cmd is empty", hint="give the command to time, e.g. --cmd 'python x.py'")
    return argv
