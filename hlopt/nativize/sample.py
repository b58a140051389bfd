"""Record the arguments a function is really called with, by running code in a child.

Either an expression (``--sample 'mod.func([1.0] * 100)'``, evaluated with the target's
module imported) or a whole command (``pytest -q``; a ``sitecustomize.py`` on PYTHONPATH
installs the tracer in every Python process it starts). The recorded calls give the types
(infer) and the first inputs of the differential test (verify).
"""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.errors import InputError
from hlopt.nativize import tracer
from hlopt.nativize.model import Call, Target

#: seconds a terminated child gets to write what it recorded before it is killed
GRACE = 5.0
_TAIL = 1500

#: the child of an expression: install the tracer, import the module, run the expression
_EXPR_CHILD = """
import importlib, sys, runpy
sys.path.insert(0, {root!r})
tracer = runpy.run_path({tracer!r})
module = importlib.import_module({module!r})
ns = dict(vars(module))
ns[{module!r}.rpartition('.')[2]] = module
ns[{module!r}.partition('.')[0]] = sys.modules[{module!r}.partition('.')[0]]
tracer['install']({path!r}, {qualname!r}, {limit!r}, {out!r})
exec(compile({expr!r}, '<--sample>', 'exec'), ns)
"""

#: appended to the tracer's source to make a sitecustomize that also runs the one it hides
_SITE_TAIL = """
autostart()

def _hlopt_chain():
    import importlib, sys
    here = __file__.rpartition("/")[0]
    sys.path[:] = [p for p in sys.path if p != here]
    del sys.modules["sitecustomize"]
    try:
        importlib.import_module("sitecustomize")
    except ImportError:
        pass
    finally:
        sys.modules["sitecustomize"] = sys.modules.get("sitecustomize") or _hlopt_self
_hlopt_self = __import__("sys").modules[__name__]
_hlopt_chain()
"""


@dataclass
class Recording:
    """What a recording run saw: the kept calls, how many calls there were, how many skipped."""

    calls: list[Call] = field(default_factory=list)
    #: calls of the function observed (over all processes)
    seen: int = 0
    #: calls whose arguments could not be pickled (or unpickled here)
    skipped: int = 0


def record(target: Target, *, expr: str | None = None, command: list[str] | None = None,
           limit: int = 500, timeout: float = 120, cwd: Path | None = None) -> list[Call]:
    """Calls of ``target`` made by ``expr`` or ``command`` (at most ``limit``, varied).

    A command runs in ``cwd`` (default: the current directory), as the user would run it.
    """
    return record_detailed(target, expr=expr, command=command, limit=limit,
                           timeout=timeout, cwd=cwd).calls


def record_detailed(target: Target, *, expr: str | None = None,
                    command: list[str] | None = None, limit: int = 500,
                    timeout: float = 120, cwd: Path | None = None) -> Recording:
    """Like :func:`record`, with the counts of seen and skipped calls."""
    if (expr is None) == (command is None):
        raise InputError("record calls from an expression or from a command (one of them)",
                         hint="--sample 'mod.func(...)' or --sample-cmd 'pytest -q'")
    with tempfile.TemporaryDirectory(prefix="hlopt-sample-") as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        if expr is not None:
            argv, env = _expr_child(target, expr, limit, out), dict(os.environ)
        else:
            argv, env = list(command or ()), _command_env(target, limit, out, Path(tmp))
        what = f"--sample {expr!r}" if expr is not None else " ".join(argv)
        where = target.root if expr is not None else (cwd or Path.cwd())
        code, stderr = _run(argv, env, where, timeout, what)
        found = _collect(out, target, limit)
    if found.seen == 0 and code != 0:
        raise InputError(f"{what} failed (exit {code}) before calling {target.qualname}",
                         hint=stderr.strip()[-_TAIL:] or "run it by hand to see why")
    return found


def _expr_child(target: Target, expr: str, limit: int, out: Path) -> list[str]:
    source = _EXPR_CHILD.format(root=str(target.root), tracer=tracer.__file__,
                                module=target.module, path=str(target.path),
                                qualname=target.qualname, limit=limit, out=str(out),
                                expr=expr)
    return [sys.executable, "-c", source]


def _command_env(target: Target, limit: int, out: Path, tmp: Path) -> dict[str, str]:
    """PYTHONPATH starts with a directory holding our sitecustomize.py, then the root."""
    site = tmp / "site"
    site.mkdir()
    text = Path(tracer.__file__).read_text(encoding="utf-8") + _SITE_TAIL
    (site / "sitecustomize.py").write_text(text, encoding="utf-8")
    env = dict(os.environ)
    paths = [str(site), str(target.root), *filter(None, [env.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env[tracer.SPEC_ENV] = f"{target.path.resolve()}\n{target.qualname}\n{limit}"
    env[tracer.OUT_ENV] = str(out)
    return env


def _run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float,
         what: str) -> tuple[int, str]:
    """Run the child; on timeout stop it (SIGTERM, so it writes its calls, then SIGKILL)."""
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
    except OSError as exc:
        raise InputError(f"cannot run {what}: {exc}",
                         hint="check the command (it runs without a shell)") from exc
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        _, stderr = proc.communicate()
    return proc.returncode, stderr or ""


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _collect(out: Path, target: Target, limit: int) -> Recording:
    """Merge every process's file, unpickling with the project's root importable."""
    found = Recording()
    raw: list[bytes] = []
    for part in sorted(out.glob("*.pkl")):
        data = pickle.loads(part.read_bytes())
        found.seen += data["seen"]
        found.skipped += data["skipped"]
        raw.extend(data["calls"])
    sys.path.insert(0, str(target.root))
    try:
        for blob in raw:
            call = _unpickle(blob)
            if call is None:
                found.skipped += 1
            else:
                found.calls.append(call)
    finally:
        sys.path.remove(str(target.root))
    found.calls = subsample(found.calls, limit)
    return found


def _unpickle(blob: bytes) -> Call | None:
    try:
        args, kwargs = pickle.loads(blob)
    except Exception:
        return None
    return Call(tuple(args), dict(kwargs))


def subsample(calls: list[Call], limit: int, seed: int = 0) -> list[Call]:
    """At most ``limit`` calls in their order: the smallest, the largest, and a seeded
    random choice of the others."""
    if len(calls) <= limit:
        return calls
    sizes = [tracer.rough_size(c.args, c.kwargs) for c in calls]
    ends = {sizes.index(min(sizes)), sizes.index(max(sizes))}
    rest = [i for i in range(len(calls)) if i not in ends]
    chosen = ends | set(random.Random(seed).sample(rest, max(0, limit - len(ends))))
    return [calls[i] for i in sorted(chosen)][:limit]
