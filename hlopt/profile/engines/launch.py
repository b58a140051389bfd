"""Launch the profiled program (or py-spy around it), relay its output, stop it on time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hlopt.core.errors import ToolchainError
from hlopt.profile.target import Target

RUNNER = Path(__file__).resolve().parent.parent / "child" / "runner.py"
#: the runner's exit status when the engine cannot start in the target's interpreter
ENGINE_UNAVAILABLE = 97
#: seconds a program gets to finish after SIGINT before it is terminated
GRACE_S = 10.0


@dataclass
class Launched:
    """A finished launch: exit status, the tail of stderr, and whether hlopt stopped it."""

    returncode: int
    stderr_tail: list[str]
    stopped: bool
    wall_s: float


def runner_command(target: Target, spec: dict[str, Any], workdir: Path) -> list[str]:
    """``python [flags] runner.py spec.json`` for a target (a command runs under our Python)."""
    spec_path = workdir / f"spec-{spec['mode']}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    python = str(target.interpreter) if target.interpreter is not None else sys.executable
    return [python, *target.flags, str(RUNNER), str(spec_path)]


def read_status(path: Path) -> dict[str, Any] | None:
    """The runner's status JSON, or None when the runner never got to write it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def launch(args: Sequence[str], *, duration: float | None = None, cwd: Path | None = None,
           stdin_devnull: bool = False, chatter: str | None = None,
           banner: str | None = None) -> Launched:
    """Run ``args`` in a new session, relaying its output to our stderr.

    After ``duration`` seconds (or on Ctrl-C) the whole process group gets SIGINT, as a
    terminal would send it, and then ``GRACE_S`` seconds to finish before it is killed.
    ``chatter`` is a line prefix (``py-spy> ``) of tool messages to keep off the relay.
    With ``banner`` (a stdout line prefix), stderr is held back until that line appears:
    when py-spy refuses to start, its error is reported once, by hlopt, not relayed too.
    """
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL if stdin_devnull else None, start_new_session=True)
    except OSError as exc:
        raise ToolchainError(f"cannot run {args[0]}: {exc.strerror or exc}") from exc
    tail: deque[str] = deque(maxlen=60)
    released = threading.Event()
    if banner is None:
        released.set()
    relays = [_relay(proc.stdout, None, chatter, released, banner),
              _relay(proc.stderr, tail, chatter, released)]
    try:
        stopped = _wait(proc, duration)
    except BaseException:
        _kill_group(proc.pid)
        raise
    finally:
        for t in relays:
            t.join(timeout=5)
    if stopped:  # py-spy may exit before the program it launched has finished stopping
        _wait_group(proc.pid, GRACE_S)
    return Launched(proc.returncode, list(tail), stopped, time.perf_counter() - start)


def _wait(proc: subprocess.Popen[bytes], duration: float | None) -> bool:
    """Wait for ``proc``; stop its group with SIGINT after ``duration`` or on Ctrl-C."""
    try:
        proc.wait(timeout=duration)
        return False
    except subprocess.TimeoutExpired:
        pass
    except KeyboardInterrupt:
        pass
    _signal_group(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.wait()
    return True


def _relay(stream: IO[bytes] | None, tail: deque[str] | None, chatter: str | None,
           released: threading.Event, banner: str | None = None) -> threading.Thread:
    """Copy ``stream`` to our stderr line by line, without the tool's own chatter."""

    def pump() -> None:
        assert stream is not None
        held: list[str] = []
        quiet_blank = 0
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            if tail is not None:
                tail.append(line.rstrip("\n"))
            if banner and line.startswith(banner):
                released.set()
            if chatter and line.startswith(chatter):
                quiet_blank = 2  # py-spy follows its banner with blank lines
                continue
            if quiet_blank and not line.strip():
                quiet_blank -= 1
                continue
            quiet_blank = 0
            held.append(line)
            if released.is_set():
                _write_err("".join(held))
                held.clear()
        if released.is_set() and held:
            _write_err("".join(held))
        stream.close()

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


def _write_err(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed: the program's output is not ours to keep
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(pgid: int) -> None:
    _signal_group(pgid, signal.SIGTERM)
    if not _wait_group(pgid, 2.0):
        _signal_group(pgid, signal.SIGKILL)


def _wait_group(pgid: int, timeout: float) -> bool:
    """Wait until no process of the group is left (py-spy's child may outlive it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        time.sleep(0.02)
    _signal_group(pgid, signal.SIGKILL)
    return False
