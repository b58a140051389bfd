"""The runtime helpers ship in hlopt's wheel (hlopt/_native/) and are found there."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hlopt.nativize import c_gen, runtime_files, zig_gen

REPO = Path(__file__).resolve().parents[2]
FILES = ("hlopt_rt.h", "hlopt_rt.zig")
#: what pip says when it cannot fetch the build backend for an isolated build
_NO_INDEX = ("No matching distribution", "Could not find a version", "Failed to establish",
             "Network is unreachable", "Temporary failure in name resolution")


def test_the_runtime_is_found_in_a_source_checkout() -> None:
    for name in FILES:
        path = runtime_files.runtime_file(name)
        assert path.is_file() and path.read_bytes() == (REPO / "native" / name).read_bytes()
    assert c_gen.runtime_text() == (REPO / "native" / "hlopt_rt.h").read_text(encoding="utf-8")
    assert "pub const OK" in zig_gen.runtime_text()


def test_the_checkouts_native_folder_is_the_fallback(monkeypatch) -> None:
    monkeypatch.setattr(runtime_files, "PACKAGE_DIR", "_not_installed")
    assert runtime_files.runtime_file("hlopt_rt.h") == REPO / "native" / "hlopt_rt.h"


def _offline_build_backend() -> bool:
    """Whether the installed setuptools can build a wheel without fetching anything."""
    import setuptools
    from packaging.version import Version

    return Version(setuptools.__version__) >= Version("70.1") or \
        importlib.util.find_spec("wheel") is not None


def _source_copy(dest: Path) -> Path:
    """The files a wheel is built from (hlopt/_native stays a symlink to native/)."""
    skip = shutil.ignore_patterns("__pycache__", "*.so", "*.pyc", "*.egg-info")
    shutil.copytree(REPO / "hlopt", dest / "hlopt", symlinks=True, ignore=skip)
    shutil.copytree(REPO / "native", dest / "native", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    return dest


def _wheel(src: Path, out: Path) -> Path:
    offline = _offline_build_backend()
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src),
            *(["--no-build-isolation"] if offline else [])]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and not offline and any(s in proc.stderr for s in _NO_INDEX):
        pytest.skip("building the wheel needs setuptools from a package index, and none is "
                    "reachable (or install `wheel` for an offline build)")
    assert proc.returncode == 0, proc.stderr[-3000:]
    [wheel] = out.glob("hlopt-*.whl")
    return wheel


def test_the_wheel_ships_the_runtime_and_an_install_finds_it(tmp_path: Path) -> None:
    wheel = _wheel(_source_copy(tmp_path / "src"), tmp_path / "dist")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for name in FILES:
            assert f"hlopt/_native/{name}" in names, sorted(names)[:20]
            assert zf.read(f"hlopt/_native/{name}") == (REPO / "native" / name).read_bytes()
        zf.extractall(tmp_path / "site")  # a pure-Python wheel: unpacking it installs it
    probe = ("import hlopt, hlopt.nativize.c_gen as c, hlopt.nativize.zig_gen as z; "
             "print(hlopt.__file__); print(c.RUNTIME); print(z.RUNTIME); "
             "print(len(c.runtime_text()) > 1000)")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    package, header, zig, read = proc.stdout.split()
    site = str(tmp_path / "site")
    assert package.startswith(site) and read == "True"
    assert header == f"{site}/hlopt/_native/hlopt_rt.h" and zig == f"{site}/hlopt/_native/hlopt_rt.zig"
