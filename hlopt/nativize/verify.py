"""Differential testing: the native function must do what the Python function does.

Both run, in a child process (native code may crash), on the recorded calls, on
hypothesis-generated inputs of the inferred types, and on the same inputs with arguments
of other types (a tuple for a list, an int for a float, None, bytearray for bytes...).
Return values, raised exception types and the arguments after the call are compared
(:mod:`hlopt.nativize.compare`); the first mismatches are reported with the call that
shows them.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import hlopt
from hlopt.core.errors import ToolchainError
from hlopt.nativize.compare import FAST_MATH_REL_TOL
from hlopt.nativize.model import BuildResult, Call, Mismatch, Target, Typing, VerifyResult

#: mismatches after which verification stops
MAX_MISMATCHES = 3
#: seconds the whole verification may take
TIMEOUT = 900.0
_TAIL = 1500


def verify(target: Target, build: BuildResult, typing: Typing, calls: list[Call], *,
           examples: int = 200, seed: int = 0, fast_math: bool = False,
           py_limit: float = 2.0) -> VerifyResult:
    """Run both functions on the same inputs in a child process and compare what they did.

    With ``fast_math``, floats compare within a relative tolerance of 1e-9. An input on
    which Python itself runs past ``py_limit`` seconds (or 4 GB) is skipped and counted.
    """
    with tempfile.TemporaryDirectory(prefix="hlopt-verify-") as tmp:
        files = {k: str(Path(tmp) / k) for k in ("job", "out", "current")}
        job = {
            "root": str(target.root), "module": target.module, "qualname": target.qualname,
            "name": target.qualname, "so": str(build.path), "module_name": build.module_name,
            "calls": [(tuple(c.args), dict(c.kwargs)) for c in calls],
            "params": dict(typing.params), "examples": examples, "seed": seed,
            "fast_math": fast_math, "max_mismatches": MAX_MISMATCHES, "py_limit": py_limit,
            "out": files["out"], "current": files["current"],
        }
        Path(files["job"]).write_bytes(pickle.dumps(job))
        code, stderr = _run_child(files["job"], target.root)
        return _result(files, code, stderr, target, len(calls))


def _run_child(job: str, cwd: Path) -> tuple[int, str]:
    env = dict(os.environ)
    here = str(Path(hlopt.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    proc = subprocess.Popen([sys.executable, "-m", "hlopt.nativize.child", job], cwd=cwd,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
        return -signal.SIGKILL, f"verification took longer than {TIMEOUT:.0f} s\n" + stderr
    return proc.returncode, stderr or ""


def _result(files: dict[str, str], code: int, stderr: str, target: Target,
            recorded: int) -> VerifyResult:
    out, current = Path(files["out"]), Path(files["current"])
    if out.is_file():
        data = pickle.loads(out.read_bytes())
        if "error" in data:
            raise ToolchainError(f"cannot load {target.qualname} or its extension for "
                                 f"verification: {data['error']}",
                                 hint="rebuild the extension; check that the module imports")
        return VerifyResult(recorded=data["recorded"], generated=data["generated"],
                            mismatches=[Mismatch(**m) for m in data["mismatches"]],
                            raised=data["raised"], alternatives=data["alternatives"],
                            skipped=data.get("skipped", 0))
    if not current.is_file():
        raise ToolchainError(f"the verification child of {target.qualname} exited with "
                             f"{code} before running any input",
                             hint=stderr.strip()[-_TAIL:] or "run the module by hand")
    return VerifyResult(recorded=recorded, generated=0,
                        mismatches=[_crash(pickle.loads(current.read_bytes()), code, stderr)])


def _crash(last: dict[str, Any], code: int, stderr: str) -> Mismatch:
    """The input the native function was running when the process died or hung."""
    if "Timeout (" in stderr or code == -signal.SIGKILL:
        native = f"did not return (Python took {last['seconds']:.3g} s)"
    elif code < 0:
        native = f"crashed the process ({signal.Signals(-code).name})"
    else:
        native = f"ended the process (exit code {code})"
    return Mismatch(call=last["call"], python=last["python"], native=native)


def tolerance(fast_math: bool) -> str:
    """How floats were compared, for the report."""
    if fast_math:
        return f"floats within a relative {FAST_MATH_REL_TOL:g} (--fast-math)"
    return "floats bit for bit"
