"""py-spy: samples the program from outside the process (lowest overhead; the default).

hlopt runs ``py-spy record --format speedscope --full-filenames`` around its child runner
(or ``--pid`` for a running process) and reads the speedscope file back. py-spy needs to
read the program's memory (ptrace); where that is refused, :func:`refusal` says why and
what to do. ``HLOPT_PY_SPY`` names the binary to use (else ``py-spy`` on PATH, else the one
next to the running Python).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from hlopt.core.errors import UsageError
from hlopt.profile.engines import EngineRefused
from hlopt.profile.engines.launch import launch, read_status, runner_command
from hlopt.profile.model import Exit, Frame, Profile, strip_frames
from hlopt.profile.options import Options
from hlopt.profile.target import Target

DEFAULT_RATE = 100
MARKER = "_hlopt_target"
_THREAD = re.compile(r"(?:Process (\d+) )?Thread (\d+)")
_PERMISSION = re.compile(r"Permission Denied|Operation not permitted|SYS_PTRACE|os error 1\)",
                         re.IGNORECASE)
_UNSUPPORTED = re.compile(r"Unsupported|python version|Failed to find a python interpreter|"
                          r"Failed to get process executable", re.IGNORECASE)


def find_binary() -> str | None:
    """``$HLOPT_PY_SPY``, else ``py-spy`` on PATH, else next to the running Python."""
    env = os.environ.get("HLOPT_PY_SPY")
    if env:
        return env
    found = shutil.which("py-spy")
    if found:
        return found
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else None


class PySpy:
    name = "py-spy"

    def check(self, options: Options, target: Target) -> None:
        binary = find_binary()
        if binary is None:
            raise EngineRefused(self.name, "py-spy is not installed",
                                "`pip install py-spy` (it is a dependency of hlopt)")
        if not os.access(binary, os.X_OK):
            raise EngineRefused(self.name, f"{binary} is not an executable file",
                                "fix $HLOPT_PY_SPY, or `pip install py-spy`")
        if target.kind == "command" and not options.subprocesses:
            raise UsageError(f"`{target.display}` is not a Python program",
                             hint="add --subprocesses to profile the Python processes it "
                                  "starts, or give the script (`hlopt profile app.py`)")

    def record(self, options: Options, target: Target, workdir: Path) -> Profile:
        out = workdir / "py-spy.speedscope.json"
        status_path = workdir / "status.json"
        args = self._args(options, out)
        if target.pid is not None:
            args += ["--pid", str(target.pid)]
            if options.duration:
                args += ["--duration", str(max(1, math.ceil(options.duration)))]
            duration = None
        else:
            spec = {"mode": "plain", "target": target.runner_target(),
                    "status": str(status_path)}
            args += ["--", *runner_command(target, spec, workdir)]
            duration = options.duration
        launched = launch(args, duration=duration, cwd=options.cwd, chatter="py-spy> ",
                          banner="py-spy> Sampling")
        if not out.is_file():
            raise refusal(launched.stderr_tail, launched.returncode)
        status = read_status(status_path) if target.pid is None else None
        main_pid = target.pid if target.pid is not None else (status or {}).get("pid")
        profile = Profile(engine=self.name, mode=options.mode,
                          interval_s=1.0 / (options.rate or DEFAULT_RATE))
        profile.samples = parse_speedscope(
            json.loads(out.read_text(encoding="utf-8")), main_pid=main_pid,
            main_only=options.mode == "wall" and not options.idle,
            cut=target.pid is None, drop_runner=target.kind == "command")
        profile.raw = {"speedscope": str(out)}
        _fill_run(profile, status, launched.wall_s, launched.stopped)
        return profile

    def _args(self, options: Options, out: Path) -> list[str]:
        binary = find_binary()
        assert binary is not None
        args = [binary, "record", "--format", "speedscope", "--output", str(out),
                "--full-filenames", "--rate", str(options.rate or DEFAULT_RATE)]
        if options.mode == "wall" or options.idle:
            args.append("--idle")
        if options.native:
            args.append("--native")
        if options.subprocesses:
            args.append("--subprocesses")
        return args


def _fill_run(profile: Profile, status: dict[str, Any] | None, wall_s: float,
              stopped: bool) -> None:
    if status is None:
        profile.wall_s = wall_s
        profile.exit = Exit(stopped=stopped)
        return
    profile.wall_s = float(status.get("wall_s") or wall_s)
    profile.cpu_s = float(status.get("cpu_s") or 0.0) + float(status.get("children_cpu_s") or 0)
    profile.exit = Exit(code=status.get("exit_code"), exception=status.get("exception"),
                        where=status.get("where"), stopped=stopped)


def parse_speedscope(data: dict[str, Any], *, main_pid: int | None, main_only: bool,
                     cut: bool, drop_runner: bool = False
                     ) -> list[tuple[tuple[Frame, ...], float]]:
    """py-spy's speedscope JSON as root-first stacks with weights in seconds.

    ``main_only`` keeps each process's main thread (wall mode); ``cut`` removes the runner's
    frames from the runner process's main thread and drops its samples outside the program;
    ``drop_runner`` drops that thread entirely (it only waits for a command).
    """
    frames = [Frame(str(f.get("name", "?")), str(f.get("file") or ""), int(f.get("line") or 0))
              for f in data["shared"]["frames"]]
    samples: list[tuple[tuple[Frame, ...], float]] = []
    for prof in data.get("profiles", ()):
        m = _THREAD.search(str(prof.get("name", "")))
        pid = int(m.group(1)) if m and m.group(1) else main_pid
        tid = int(m.group(2)) if m else None
        is_main = tid is not None and tid == pid
        if main_only and not is_main:
            continue
        runner_main = cut and is_main and pid == main_pid
        if runner_main and drop_runner:
            continue
        for idx, weight in zip(prof.get("samples", ()), prof.get("weights", ()), strict=False):
            stack = tuple(frames[i] for i in idx if not _is_process_frame(frames[i]))
            if runner_main:
                stripped = strip_frames(stack, MARKER)
                if stripped is None:
                    continue
                stack = stripped
            if stack:
                samples.append((stack, float(weight)))
    return samples


def _is_process_frame(frame: Frame) -> bool:
    """py-spy --subprocesses puts a ``process N:"cmdline"`` frame at each root."""
    return not frame.file and frame.name.startswith("process ")


def refusal(tail: list[str], returncode: int) -> EngineRefused:
    """Explain why py-spy produced no profile, with the next step."""
    text = "\n".join(tail)
    said = _first_error(tail)
    if _PERMISSION.search(text):
        return EngineRefused("py-spy", f"not allowed to read the program's memory (ptrace "
                             f"refused; py-spy said: {said})", ptrace_hint(), privilege=True)
    if _UNSUPPORTED.search(text):
        return EngineRefused("py-spy", f"cannot read this Python process (py-spy said: {said})",
                             "upgrade py-spy (`pip install -U py-spy`) or use "
                             "--engine pyinstrument")
    return EngineRefused("py-spy", f"exited with status {returncode} and wrote no profile "
                         f"(py-spy said: {said or 'nothing'})",
                         "run the same py-spy command by hand to see more, or use "
                         "--engine pyinstrument")


def ptrace_hint() -> str:
    """What to do when ptrace is refused, with this machine's Yama setting."""
    scope = ""
    try:
        scope = Path("/proc/sys/kernel/yama/ptrace_scope").read_text().strip()
    except OSError:
        pass
    yama = f" (kernel.yama.ptrace_scope is {scope} here)" if scope else ""
    return ("py-spy needs the CAP_SYS_PTRACE capability: run hlopt as root, start the "
            "container with `--cap-add SYS_PTRACE` (Kubernetes: securityContext.capabilities"
            f".add: [SYS_PTRACE]), or set kernel.yama.ptrace_scope to 0{yama}; or use "
            "--engine pyinstrument, which runs inside the program")


def _first_error(tail: list[str]) -> str:
    for line in tail:
        text = line.strip()
        if text.startswith(("Error:", "Permission Denied")):
            return text.removeprefix("Error:").strip()
    return next((t.strip() for t in tail if t.strip()), "")
