"""The hlopt side of bench/nativize_kernels.py: nativize one kernel with NO human typing.

The kernel file is copied to bench/.cache/nativize_kernels/hlopt/<backend>/<stem>/ (a
project of its own per backend, so the repository is never modified). ``hlopt.nativize.run(
Options(..., backend=backend, apply=True))`` runs on that copy in a child process with a
time limit, and importing the copy then gives the nativized function (its shim binds the
installed extension). The backends' extensions share one module name, so each import
starts from a clean ``sys.modules``.

When the engine does not install (a refusal, a mismatch, not faster, a time-out), the
report says why; the same pipeline is then driven stage by stage without hlopt's verify
(select, analyse, sample, infer, generate, build) so the speed of the code hlopt
generates is still shown, marked as not installed. The bench's own check on the
kernel's inputs runs on it like on every side.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import traceback
import types
from pathlib import Path

from kernels._sides import CACHE, KERNELS, load_python

WORK = CACHE / "hlopt"
#: hlopt's content-addressed build cache, kept under bench/.cache as well
NATIVE_CACHE = CACHE / "hlopt-native"
#: the copy is a project of its own, so install's build edits stay in the copy
PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "bench-kernel-copy"
version = "0"
"""
#: the child: run the engine on the copy, print what the report says as JSON
_CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, {bench!r})
from hlopt.nativize import Options, run
from kernels._hlopt_side import report_info
report = run(Options(targets=({spec!r},), sample=({expr!r},), apply=True,
                     backend={backend!r}, cwd=Path({cwd!r}), cache_dir=Path({cache!r}),
                     examples={examples!r}))
print(json.dumps(report_info(report)))
"""


def sample_expr(func: str) -> str:
    """The --sample expression: run the kernel on every input of its module."""
    return f"[{func}(*args) for args in inputs()]"


def nativize(stem: str, func: str, examples: int = 200, timeout: float = 600.0,
              backend: str = "cython"):
    """(native callable, info); info["installed"] says whether hlopt installed it.

    ``backend``: "cython", "c", "zig" (or "auto"), passed to the engine's Options.
    """
    work = WORK / backend / stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    path = work / f"{stem}.py"
    shutil.copy2(KERNELS / f"{stem}.py", path)
    (work / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    info = _engine(path, func, examples, timeout, backend)
    native = _installed(path, func, backend, info)
    info["installed"] = native is not None
    if native is None:
        info["ok"] = False
        if not info.get("error"):
            info["error"] = next(iter(info.get("notes", [])), "not installed, no finding")
        native = _unverified_build(path, func, info, backend)
    return native, info


def subset_refusal(stem: str, func: str) -> str:
    """"" when the kernel (typed from the calls its inputs() make) is inside the C/Zig
    subset, else the IR's refusal: "line N: reason"."""
    try:
        from hlopt.nativize import analyse, infer, sample, select
        from hlopt.nativize.ir_lower import check

        target = select.resolve(f"{KERNELS / stem}.py:{func}", KERNELS)
        analysis = analyse.analyse(target)
        typing = infer.infer(analysis, sample.record(target, expr=sample_expr(func)))
        refused = analysis.refusals or check(analysis, typing)
    except Exception as exc:  # report and keep going with the other kernels
        return f"could not check the subset: {type(exc).__name__}: {exc}"
    return f"line {refused[0].line}: {refused[0].message}" if refused else ""


def _engine(path: Path, func: str, examples: int, timeout: float, backend: str) -> dict:
    code = _CHILD.format(bench=str(KERNELS.parent), spec=f"{path.name}:{func}",
                         expr=sample_expr(func), cwd=str(path.parent),
                         cache=str(NATIVE_CACHE), examples=examples, backend=backend)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=path.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the engine and its verify/measure children
        proc.communicate()
        return {"ok": False, "error": f"hlopt nativize did not finish in {timeout:.0f} s "
                                      f"(stage: {_stage_hint(path)})", "notes": []}
    if proc.returncode != 0 or not out.strip():
        tail = " | ".join(err.strip().splitlines()[-2:])
        return {"ok": False, "error": f"hlopt nativize failed (exit {proc.returncode}): "
                                      f"{tail}", "notes": []}
    return json.loads(out.strip().splitlines()[-1])


def _stage_hint(path: Path) -> str:
    """Where a timed-out run was: verify leaves its temporary job directory behind."""
    built = any(path.parent.glob("_hlopt_*"))
    return "after install" if built else "before install (verify or measure)"


def report_info(report) -> dict:
    """What the bench shows of an engine report (JSON-serialisable)."""
    metrics = {m.name.split(": ", 1)[-1]: m for m in report.metrics}
    verified, bad = metrics.get("inputs verified"), metrics.get("mismatches")
    timing = metrics.get("time per call")
    info = {
        "ok": verified is not None and bad is not None and not bad.after,
        "typing": "; ".join(n[len("typed "):] for n in report.notes if n.startswith("typed ")),
        "notes": [f"{f.code} {f.message.splitlines()[0]}" for f in report.findings],
    }
    build = next((m for m in report.metrics if "build time" in m.name), None)
    if build is not None:
        info["build"] = f"{build.after:.1f} s"
    if verified is not None:
        info["verified"] = f"{verified.after:.0f} inputs, {bad.after:.0f} mismatches"
    if timing is not None and timing.before and timing.after:
        info["notes"].append(f"hlopt's own measure: {timing.before / timing.after:.1f}x")
    if info["notes"] and not info["ok"]:
        info["error"] = info["notes"][0]
    return info


def _installed(path: Path, func: str, backend: str, info: dict):
    """The copy's function if the shim bound a native one, else None; info["backend"] is
    the backend its extension says it was generated by."""
    _forget_extensions(path.stem)
    sys.path.insert(0, str(path.parent))
    try:
        module = load_python(path, f"_bench_hlopt_{backend}_{path.stem}")
        fn = getattr(module, func)
        ext = getattr(fn, "__self__", None) or sys.modules.get(getattr(fn, "__module__", ""))
        info["backend"] = getattr(ext, "__hlopt__", {}).get("backend")
    finally:
        sys.path.remove(str(path.parent))
        _forget_extensions(path.stem)
    if isinstance(fn, types.FunctionType):
        return None
    if info["backend"] != backend and backend != "auto":
        info["notes"] = [*info.get("notes", []), f"the bound extension says backend "
                         f"{info['backend']!r}, not {backend!r}"]
    return fn


def _forget_extensions(stem: str) -> None:
    """Drop the kernel's hlopt extension modules from sys.modules (every backend's has the
    same name; the next import must load the next backend's file)."""
    for name in [n for n in sys.modules if n.startswith(f"_hlopt_{stem}_")]:
        del sys.modules[name]


def _unverified_build(path: Path, func: str, info: dict, backend: str = "cython"):
    """The code hlopt generates, built and bound without hlopt's verify (speed only)."""
    try:
        import importlib

        from hlopt.nativize import analyse, build, infer, sample, select
        from hlopt.nativize.options import GENERATORS

        target = select.resolve(f"{path}:{func}", path.parent)
        analysis = analyse.analyse(target)
        if analysis.refusals:
            return None
        calls = sample.record(target, expr=sample_expr(func))
        typing = infer.infer(analysis, calls)
        info.setdefault("typing", ", ".join(f"{n}: {t}" for n, t in typing.params.items()))
        gen = importlib.import_module(GENERATORS[backend]).generate(analysis, typing)
        built = build.build(gen, cache_dir=NATIVE_CACHE)
        module = load_python(path, f"_bench_hlopt_stages_{backend}_{path.stem}")
        return build.load(built)._hlopt_bind(getattr(module, func))
    except Exception as exc:  # report and keep going with the other kernels
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        output = getattr(exc, "output", "")
        if output:
            last += " | " + " | ".join(output.strip().splitlines()[-3:])
        info.setdefault("notes", []).append(f"stage-by-stage build failed: {last}")
        return None
