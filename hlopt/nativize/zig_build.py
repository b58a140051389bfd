"""Build a generated Zig extension with the ziglang package (no C toolchain needed).

Python's C API comes from ``py.zig``: Python.h translated by ``zig translate-c`` once per
Python include directory and zig version (minutes on a loaded machine), cached beside
zig's own cache in :func:`hlopt.nativize.build.zig_cache_dir`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hlopt.core.errors import ToolchainError
from hlopt.nativize.build import COMPILE_TIMEOUT, BuildError, _run_version, zig_cache_dir

#: ReleaseFast keeps IEEE semantics (generated functions are .strict unless --fast-math)
ZIG_FLAGS = ("build-lib", "-dynamic", "-O", "ReleaseFast", "-lc")
#: the declaration every generated Zig source carries; each generated function starts with
#: ``@setFloatMode(hl_float_mode)``. zig has no command-line switch for fast-math, so a
#: --fast-math build replaces it with FAST_FLOAT_MODE in the copy it compiles.
FLOAT_MODE = "const hl_float_mode: std.builtin.FloatMode = .strict;"
FAST_FLOAT_MODE = FLOAT_MODE.replace(".strict", ".optimized")
#: the flag (in the report and the cache key) of a --fast-math Zig build
FAST_FLAG = "@setFloatMode(.optimized)"
_HEADER = "#define PY_SSIZE_T_CLEAN 1\n#include <Python.h>\n"


def zig_argv() -> tuple[str, ...]:
    import importlib.util

    if importlib.util.find_spec("ziglang") is None:
        raise ToolchainError("the Zig backend needs the ziglang package",
                             hint="pip install ziglang")
    return (sys.executable, "-m", "ziglang")


def zig_version() -> str:
    return _run_version((*zig_argv(), "version"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["ZIG_GLOBAL_CACHE_DIR"] = env["ZIG_LOCAL_CACHE_DIR"] = str(zig_cache_dir())
    return env


def python_zig() -> Path:
    """The cached ``py.zig`` for this interpreter (translated on first use)."""
    include = sysconfig.get_paths()["include"]
    key = hashlib.sha256(f"{include}\0{sys.version}\0{zig_version()}".encode()).hexdigest()[:16]
    out = zig_cache_dir() / "hlopt-py" / key / "py.zig"
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        header = Path(tmp) / "pyh.h"
        header.write_text(_HEADER, encoding="utf-8")
        proc = _run([*zig_argv(), "translate-c", "-lc", f"-I{include}", str(header)])
        if proc.returncode != 0 or not proc.stdout:
            raise BuildError("zig translate-c could not translate Python.h",
                             output=proc.stderr.strip(), hint=f"check the headers in {include}")
        part = Path(tmp) / "py.zig"
        part.write_text(proc.stdout, encoding="utf-8")
        os.replace(part, out)
    return out


def _fast_math(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    if FLOAT_MODE not in text:
        raise BuildError(f"{source.name} does not declare hl_float_mode: --fast-math cannot be "
                         "applied to it", output=FLOAT_MODE, source=source,
                         hint="generate it again with this hlopt")
    source.write_text(text.replace(FLOAT_MODE, FAST_FLOAT_MODE, 1), encoding="utf-8")


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=COMPILE_TIMEOUT,
                              env=_env(), cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"zig took longer than {COMPILE_TIMEOUT:.0f} s",
                         output=str(exc)) from exc


def zig_flags(fast_math: bool) -> tuple[str, ...]:
    """The flags of a Zig build, as the report and the cache key show them."""
    return (*ZIG_FLAGS[1:], *((FAST_FLAG,) if fast_math else ()))


def build_lib(source: Path, so: Path, flags: tuple[str, ...] = ()) -> str:
    """Compile ``source`` (a generated .zig) to the extension ``so``; the compiler's name.

    With FAST_FLAG in ``flags`` the generated functions get ``@setFloatMode(.optimized)``.
    """
    if FAST_FLAG in flags:
        _fast_math(source)
    shutil.copy2(python_zig(), source.parent / "py.zig")
    argv = [*zig_argv(), *ZIG_FLAGS, source.name, f"-femit-bin={so}"]
    proc = _run(argv, cwd=source.parent)
    if proc.returncode != 0 or not so.is_file():
        raise BuildError(f"zig failed on {source.name} (exit {proc.returncode})",
                         output=(proc.stderr + proc.stdout).strip(), source=source,
                         hint="see zig's message; --backend c or cython may build it")
    for extra in source.parent.glob(so.name + ".o"):
        extra.unlink()
    return f"zig {zig_version()}"
