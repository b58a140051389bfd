"""Build a generated extension module into a content-addressed cache, and load it.

Cython sources (".py" pure mode, ".pyx") go through Cython's own compiler to C; C sources
go to the C compiler directly: ``-shared -fPIC -O3 -ffp-contract=off`` (gcc fuses a*b+c
into FMA by default, which changes float results). The compiler is the machine's ($CC, cc,
gcc, clang) or the ziglang package's ``zig cc``. Zig sources (the Zig backend) are built
with ``python -m ziglang build-lib`` by :mod:`hlopt.nativize.zig_build` when it exists.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from hlopt.core.errors import ToolchainError, UsageError
from hlopt.core.progress import Progress, no_progress
from hlopt.nativize.model import BuildResult, Generated

#: flags of every build; fast-math replaces the contraction guard when asked for
BASE_FLAGS = ("-shared", "-fPIC", "-O3", "-g0", "-fno-strict-aliasing", "-DNDEBUG")
EXACT_FLAGS = ("-ffp-contract=off",)
FAST_FLAGS = ("-ffast-math",)
#: source suffixes of each backend
CYTHON_SUFFIXES = (".py", ".pyx")
C_SUFFIXES = (".c",)
ZIG_SUFFIXES = (".zig",)
#: seconds a compiler (or Cython) may take on one module
COMPILE_TIMEOUT = 600.0
META = "build.json"


class BuildError(ToolchainError):
    """Cython or the C compiler rejected a generated source; ``output`` holds its message."""

    def __init__(self, message: str, *, output: str, source: Path | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.output = output
        self.source = source


@dataclass(frozen=True)
class Compiler:
    """A C compiler: the argv prefix that runs it and what it is, for reports and keys."""

    argv: tuple[str, ...]
    #: "gcc", "clang" or "zig"
    kind: str
    version: str
    #: the first line of ``--version`` (and the resolved path): part of the cache key
    identity: str

    @property
    def name(self) -> str:
        return f"zig cc {self.version}" if self.kind == "zig" else f"{self.kind} {self.version}"


# --- finding a compiler -------------------------------------------------------------------

def find_compiler(choice: str = "auto") -> Compiler:
    """The compiler for ``choice``: "auto", "cc", "gcc", "clang", "zig" or a path.

    "auto" tries $CC, then cc, gcc and clang on PATH, then the ziglang package.
    """
    if choice == "auto":
        return _auto_compiler()
    if choice == "zig":
        found = zig_cc()
        if found is None:
            raise ToolchainError("the ziglang package is not installed",
                                 hint="pip install ziglang")
        return found
    path = shutil.which(choice)
    if path is None:
        raise ToolchainError(f"C compiler {choice!r} not found",
                             hint="give --compiler auto, gcc, clang, zig or a compiler's path")
    return describe((path,))


def _auto_compiler() -> Compiler:
    env = os.environ.get("CC", "").strip()
    if env:
        argv = tuple(shlex.split(env))
        if shutil.which(argv[0]) is None:
            raise ToolchainError(f"$CC names {argv[0]!r}, which is not on PATH",
                                 hint="unset CC or point it at an installed compiler")
        return describe(argv)
    for name in ("cc", "gcc", "clang"):
        path = shutil.which(name)
        if path is not None:
            return describe((path,))
    found = zig_cc()
    if found is None:
        raise ToolchainError("no C compiler found: no $CC, no cc, gcc or clang on PATH, and "
                             "no ziglang package",
                             hint="install gcc, or `pip install ziglang` (a complete C "
                                  "compiler from PyPI)")
    return found


def zig_cc() -> Compiler | None:
    """``python -m ziglang cc`` with this interpreter, if the ziglang package is installed."""
    if importlib.util.find_spec("ziglang") is None:
        return None
    version = _run_version((sys.executable, "-m", "ziglang", "version"))
    return Compiler((sys.executable, "-m", "ziglang", "cc"), "zig", version,
                    f"zig {version} {sys.executable}")


@lru_cache(maxsize=16)
def describe(argv: tuple[str, ...]) -> Compiler:
    """Ask a C compiler what it is (gcc or clang, and its version)."""
    banner = _run_version((*argv, "--version")).splitlines()
    first = banner[0] if banner else argv[0]
    kind = "clang" if "clang" in first.lower() else "gcc"
    version = _run_version((*argv, "-dumpversion")) if kind == "gcc" else _last_version(first)
    if kind == "gcc":
        version = _run_version((*argv, "-dumpfullversion")) or version
    resolved = shutil.which(argv[0]) or argv[0]
    return Compiler(argv, kind, version, f"{first} {os.path.realpath(resolved)}")


@lru_cache(maxsize=16)
def _run_version(argv: tuple[str, ...]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolchainError(f"cannot run {shlex.join(argv)}: {exc}",
                             hint="check the compiler installation, or choose another "
                                  "with --compiler") from exc
    return (proc.stdout or proc.stderr).strip()


def _last_version(line: str) -> str:
    words = [w for w in line.replace("(", " ").split() if w[:1].isdigit() and "." in w]
    return words[0] if words else "?"


# --- the cache ----------------------------------------------------------------------------

def cache_root(cache_dir: Path | None = None) -> Path:
    """``cache_dir``, else $HLOPT_CACHE_DIR, else ~/.cache/hlopt/native (XDG respected)."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("HLOPT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hlopt" / "native"


def flags_for(gen: Generated, compiler: Compiler, fast_math: bool) -> tuple[str, ...]:
    """The compile flags, without file names (they go in the cache key and the report)."""
    if gen.suffix in ZIG_SUFFIXES:
        from hlopt.nativize.zig_build import zig_flags

        return zig_flags(fast_math)
    include = sysconfig.get_paths()["include"]
    fp = FAST_FLAGS if fast_math else EXACT_FLAGS
    return (*BASE_FLAGS, *fp, f"-I{include}")


def cache_key(gen: Generated, compiler: Compiler, flags: tuple[str, ...]) -> str:
    """A hash of everything the built file depends on."""
    parts = {
        "source": gen.source, "suffix": gen.suffix, "module": gen.module_name,
        "flags": list(flags), "compiler": compiler.identity,
        "python": sys.version, "ext_suffix": ext_suffix(),
        "cython": _cython_version() if gen.suffix in CYTHON_SUFFIXES else None,
    }
    blob = json.dumps(parts, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def ext_suffix() -> str:
    return sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def _cython_version() -> str:
    try:
        import Cython
    except ImportError as exc:
        raise ToolchainError("Cython is not installed", hint="pip install cython") from exc
    return Cython.__version__


def _cached(entry: Path, module_name: str) -> BuildResult | None:
    so = entry / (module_name + ext_suffix())
    meta = entry / META
    if not (so.is_file() and meta.is_file()):
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    return BuildResult(path=so, module_name=module_name, compiler=data["compiler"],
                       seconds=data["seconds"], size=so.stat().st_size, cached=True,
                       flags=tuple(data["flags"]))


# --- building -----------------------------------------------------------------------------

def build(gen: Generated, *, cache_dir: Path | None = None, compiler: str = "auto",
          fast_math: bool = False, progress: Progress = no_progress) -> BuildResult:
    """Build ``gen`` into the cache, or return the cached build (``cached=True``).

    ``seconds`` is the time the build took when it was made, also for a cached result.
    """
    if gen.suffix not in (*CYTHON_SUFFIXES, *C_SUFFIXES, *ZIG_SUFFIXES):
        raise UsageError(f"cannot build a {gen.suffix!r} source",
                         hint="generated sources are .py/.pyx (Cython), .c or .zig")
    cc = find_compiler(compiler)
    flags = flags_for(gen, cc, fast_math)
    root = cache_root(cache_dir)
    entry = root / cache_key(gen, cc, flags)
    hit = _cached(entry, gen.module_name)
    if hit is not None:
        progress("building", 1, 1)
        return hit
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        result = _build_into(work, gen, cc, flags, progress)
        return _publish(work, entry, result)
    except BuildError as err:
        raise _keep_failed(err, work, root / "failed" / entry.name) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _keep_failed(err: BuildError, work: Path, keep: Path) -> BuildError:
    """Keep a rejected source for the user to read; its messages then name the kept copy."""
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    for path in work.iterdir():
        if path.suffix in (*CYTHON_SUFFIXES, *C_SUFFIXES, *ZIG_SUFFIXES):
            shutil.copy2(path, keep / path.name)
    source = keep / err.source.name if err.source is not None else None
    output = err.output.replace(str(work), str(keep))
    return BuildError(err.message, output=output, source=source, hint=err.hint)


def _build_into(work: Path, gen: Generated, cc: Compiler, flags: tuple[str, ...],
                progress: Progress) -> BuildResult:
    start = time.perf_counter()
    source = work / (gen.module_name + gen.suffix)
    source.write_text(gen.source, encoding="utf-8")
    so = work / (gen.module_name + ext_suffix())
    progress("building", 0, 2)
    if gen.suffix in ZIG_SUFFIXES:
        used = zig_build_lib()(source, so, flags)
    else:
        c_file = cythonize(source, work) if gen.suffix in CYTHON_SUFFIXES else source
        progress("building", 1, 2)
        compile_c(cc, flags, c_file, so)
        used = cc.name
    progress("building", 2, 2)
    seconds = time.perf_counter() - start
    (work / META).write_text(json.dumps({"compiler": used, "seconds": seconds,
                                         "flags": list(flags)}), encoding="utf-8")
    return BuildResult(path=so, module_name=gen.module_name, compiler=used, seconds=seconds,
                       size=so.stat().st_size, cached=False, flags=flags)


def zig_build_lib():
    """The Zig backend's build step, ``build_lib(source, so, flags) -> compiler name``.

    It lives in hlopt/nativize/zig_build.py (``python -m ziglang build-lib``, issue 6),
    and keeps zig's cache in :func:`zig_cache_dir`.
    """
    try:
        from hlopt.nativize.zig_build import build_lib
    except ImportError as exc:
        raise UsageError("this hlopt cannot build Zig sources yet",
                         hint="use --backend cython or c") from exc
    return build_lib


def _publish(work: Path, entry: Path, result: BuildResult) -> BuildResult:
    """Move the finished build into place atomically (a concurrent twin may win)."""
    if entry.exists() and _cached(entry, result.module_name) is None:
        shutil.rmtree(entry, ignore_errors=True)  # a broken entry (a half-deleted cache)
    try:
        os.rename(work, entry)
    except OSError:
        if not (entry / result.path.name).is_file():
            raise
    result.path = entry / result.path.name
    return result


def cythonize(source: Path, work: Path) -> Path:
    """Translate a Cython source to C with Cython's compiler; BuildError with its message."""
    import contextlib
    import io

    _cython_version()
    from Cython.Compiler import Main

    c_file = work / (source.stem + ".c")
    out = io.StringIO()
    with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
        try:
            result = Main.compile(str(source), language_level=3, output_file=str(c_file))
        except Exception as exc:  # Cython raises its own errors for some inputs
            print(f"{type(exc).__name__}: {exc}", file=out)
            result = None
    if result is None or result.num_errors or not c_file.is_file():
        raise BuildError(f"Cython rejected the generated source of {source.stem}",
                         output=out.getvalue().strip(), source=source,
                         hint="see the Cython message; the generated source is kept with "
                              "--keep-source")
    return c_file


def compile_c(cc: Compiler, flags: tuple[str, ...], c_file: Path, so: Path) -> None:
    """Run the C compiler; BuildError with its output when it fails."""
    argv = [*cc.argv, *flags, str(c_file), "-o", str(so)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=COMPILE_TIMEOUT,
                              env=compiler_env(cc))
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{cc.name} took longer than {COMPILE_TIMEOUT:.0f} s on {c_file.name}",
                         output=str(exc), source=c_file) from exc
    if proc.returncode != 0 or not so.is_file():
        raise BuildError(f"{cc.name} failed on {c_file.name} (exit {proc.returncode})",
                         output=(proc.stderr + proc.stdout).strip(), source=c_file,
                         hint="see the compiler's message; try another with --compiler")


def compiler_env(cc: Compiler) -> dict[str, str]:
    """The environment of a compile: zig keeps its caches under the hlopt cache."""
    env = dict(os.environ)
    if cc.kind == "zig":
        cache = str(zig_cache_dir())
        env["ZIG_GLOBAL_CACHE_DIR"] = env["ZIG_LOCAL_CACHE_DIR"] = cache
    return env


def zig_cache_dir() -> Path:
    """The persistent zig cache (its libc and compiler-rt builds take 10 s cold).

    It is shared by every build cache (also a ``cache_dir`` given for one build):
    $HLOPT_ZIG_CACHE_DIR, else ``zig-cache`` beside the default build cache.
    """
    env = os.environ.get("HLOPT_ZIG_CACHE_DIR")
    return Path(env) if env else cache_root() / "zig-cache"


# --- loading ------------------------------------------------------------------------------

def load(result: BuildResult) -> ModuleType:
    """Import the built extension from its path under its module name (not in sys.modules)."""
    from importlib.machinery import ExtensionFileLoader

    name, path = result.module_name, str(result.path)
    loader = ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        raise ToolchainError(f"cannot load {path}", hint="rebuild it (remove the cache entry)")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
