"""Run child processes with timeouts and clean termination; find the target's interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import ToolchainError


@dataclass(frozen=True)
class Completed:
    """A finished child process."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run(
    args: Sequence[str],
    *,
    timeout: float | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Completed:
    """Run ``args`` in its own process group; on timeout the whole group is killed."""
    try:
        proc = subprocess.Popen(
            list(args), cwd=cwd, env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            errors="replace", start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise ToolchainError(f"{args[0]}: command not found") from exc
    try:
        out, err = proc.communicate(input, timeout=timeout)
        return Completed(tuple(args), proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        terminate(proc)
        out, err = proc.communicate()
        return Completed(tuple(args), proc.returncode, out, err, timed_out=True)
    except BaseException:
        terminate(proc)
        raise


def terminate(proc: subprocess.Popen[str], grace: float = 2.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after ``grace``."""
    if proc.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def find_interpreter(project: Path) -> Path:
    """The Python that runs the target project: its .venv, then $VIRTUAL_ENV, then ours."""
    root = project.resolve()
    if root.is_file():
        root = root.parent
    for directory in (root, *root.parents):
        for name in (".venv", "venv"):
            candidate = directory / name / "bin" / "python"
            if candidate.is_file():
                return candidate
    venv = os.environ.get("VIRTUAL_ENV")
    if venv and (Path(venv) / "bin" / "python").is_file():
        return Path(venv) / "bin" / "python"
    return Path(sys.executable)
