"""The peers of bench/nativize_kernels.py (Cython unchanged, mypyc annotated, hand-written C)
and the checks.

Builds go to bench/.cache/nativize_kernels/ and are reused while the source, the flags
and the interpreter are the same (a stamp file holds their hash).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import math
import os
import shutil
import struct
import subprocess
import sys
import sysconfig
from pathlib import Path

KERNELS = Path(__file__).resolve().parent
TYPED = KERNELS / "typed"
#: hand-written CPython extensions of the kernels inside the C/Zig subset
HANDC = KERNELS / "c"
CACHE = KERNELS.parent / ".cache" / "nativize_kernels"
BIN = Path(sys.executable).parent
#: what both peers are compiled with (gcc's default FP contraction changes float results)
CFLAGS = "-O3 -ffp-contract=off"
BUILD_TIMEOUT = 600

#: read once, at import: sysconfig fills its variables lazily and not thread-safely, and the
#: bench builds the sides from worker threads (a race once gave EXT_SUFFIX None)
EXT_SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")
INCLUDE = sysconfig.get_paths()["include"]

def kernel_names() -> list[str]:
    """The kernel modules' stems, in order: k01_collatz, k02_integrate, ..."""
    return sorted(p.stem for p in KERNELS.glob("k[0-9]*.py"))


def load_python(path: Path, name: str):
    """Import a .py file under ``name`` (registered in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --- building the peers -------------------------------------------------------------------

def build_cython(stem: str, func: str):
    """Cython on the unchanged kernel file: (callable, "") or (None, why)."""
    work = CACHE / "cython" / stem
    name = f"cy_{stem}"
    cmd = [sys.executable, "-m", "Cython.Build.Cythonize", "-i", "-3", "-q", f"{name}.py"]
    return _build(KERNELS / f"{stem}.py", work, name, func, cmd)


def build_mypyc(stem: str, func: str):
    """mypyc on the annotated copy (kernels/typed/): (callable, "") or (None, why)."""
    work = CACHE / "mypyc" / stem
    name = f"my_{stem}"
    mypyc = shutil.which("mypyc", path=str(BIN)) or "mypyc"
    return _build(TYPED / f"{stem}.py", work, name, func, [mypyc, f"{name}.py"])


def build_handc(stem: str, func: str):
    """The hand-written C extension (kernels/c/<stem>.c, module ``hc_<stem>``) built with the
    machine's cc: (callable, "") or (None, why)."""
    source = HANDC / f"{stem}.c"
    if not source.is_file():
        return None, f"no bench/kernels/c/{stem}.c (the kernel is outside the C/Zig subset)"
    cc = shutil.which(os.environ.get("CC", "") or "cc") or shutil.which("gcc")
    if cc is None:
        return None, "no C compiler (cc, gcc) on PATH"
    name = f"hc_{stem}"
    cmd = [cc, *CFLAGS.split(), "-shared", "-fPIC", f"-I{INCLUDE}", f"{name}.c", "-o",
           f"{name}{EXT_SUFFIX}"]
    return _build(source, CACHE / "handc" / stem, name, func, cmd, suffix=".c")


def _build(source: Path, work: Path, name: str, func: str, cmd: list[str],
           suffix: str = ".py"):
    if not source.is_file():
        return None, f"no {source.relative_to(KERNELS.parent)}"
    text = source.read_text(encoding="utf-8")
    stamp = hashlib.sha256("\0".join([text, CFLAGS, sys.version, *cmd]).encode()).hexdigest()
    if not _fresh(work, name, stamp):
        why = _compile(work, name, text, cmd, stamp, suffix)
        if why:
            return None, why
    try:
        module = _import_built(work, name)
        return getattr(module, func), ""
    except Exception as exc:  # a broken build: report, keep going
        return None, f"import failed: {type(exc).__name__}: {exc}"


def _fresh(work: Path, name: str, stamp: str) -> bool:
    marker = work / f"{name}.stamp"
    return (marker.is_file() and marker.read_text() == stamp
            and any(work.glob(f"{name}.*.so")))


def _compile(work: Path, name: str, text: str, cmd: list[str], stamp: str,
             suffix: str = ".py") -> str:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / f"{name}{suffix}").write_text(text, encoding="utf-8")
    env = dict(os.environ, CFLAGS=CFLAGS, MYPYC_OPT_LEVEL="3")
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                              timeout=BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{Path(cmd[0]).name}: {exc}"
    if proc.returncode != 0 or not any(work.glob(f"{name}.*.so")):
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        return f"build failed (exit {proc.returncode}): {' | '.join(tail)}"
    (work / f"{name}.stamp").write_text(stamp)
    (work / f"{name}{suffix}").unlink()  # so the import below can only find the extension
    return ""


def _import_built(work: Path, name: str):
    sys.path.insert(0, str(work))
    try:
        module = importlib.import_module(name)
    finally:
        sys.path.remove(str(work))
    if not str(getattr(module, "__file__", "")).endswith(".so"):
        raise ImportError(f"{name} imported from {module.__file__}, not an extension")
    return module


# --- checking results ---------------------------------------------------------------------

def outcome(fn, args: tuple):
    """What one call does: ("returned", value, args after) or ("raised", type name, args)."""
    args = copy.deepcopy(args)
    try:
        return ("returned", fn(*args), args)
    except Exception as exc:
        return ("raised", type(exc).__name__, args)


def describe_diff(want, got) -> str:
    """"" when two outcomes are the same (floats bit for bit), else what differs."""
    if want[0] != got[0] or not same(want[1], got[1]):
        return f"CPython {want[0]} {_show(want[1])}, got {got[0]} {_show(got[1])}"
    if not same(want[2], got[2]):
        return f"arguments mutated differently: {_show(want[2])} vs {_show(got[2])}"
    return ""


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def same(a, b) -> bool:
    """Equal values of identical types; floats by their bits (any NaN equals any NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return (list(a) == list(b)
                and all(same(a[key], b[key]) for key in a))
    return a == b
