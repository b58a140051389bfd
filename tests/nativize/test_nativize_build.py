"""Building generated extensions: the cache, the flags, compiler errors, gcc and zig cc."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from hlopt.core.errors import ToolchainError
from hlopt.nativize import build as nb
from hlopt.nativize.model import Generated

CYTHON_SOURCE = '''\
import cython


def scale(xs: list, k: cython.double) -> cython.double:
    total: cython.double = 0.0
    for x in xs:
        total += x * k
    return total


def _hlopt_bind(pyfunc):
    return scale
'''

C_SOURCE = '''\
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *twice(PyObject *self, PyObject *arg) {
    long v = PyLong_AsLong(arg);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromLong(2 * v);
}

static PyMethodDef methods[] = {{"twice", twice, METH_O, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "%s", NULL, -1, methods};
PyMODINIT_FUNC PyInit_%s(void) { return PyModule_Create(&def); }
'''

needs_cc = pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                              reason="no C compiler on PATH")
needs_zig = pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                               reason="the ziglang package is not installed")


def c_module(name: str) -> Generated:
    return Generated("c", name, C_SOURCE % (name, name), ".c", "h")


@pytest.mark.native
@needs_cc
def test_cython_build_then_cache_hit(tmp_path: Path) -> None:
    gen = Generated("cython", "_hlopt_m_scale", CYTHON_SOURCE, ".py", "h")
    first = nb.build(gen, cache_dir=tmp_path)
    assert not first.cached and first.seconds > 0 and first.size > 1000
    assert first.path.name == "_hlopt_m_scale" + nb.ext_suffix()
    assert "-ffp-contract=off" in first.flags and "-O3" in first.flags
    assert "-ffast-math" not in first.flags
    assert first.compiler.split()[0] in ("gcc", "clang")
    again = nb.build(gen, cache_dir=tmp_path)
    assert again.cached and again.path == first.path and again.compiler == first.compiler
    module = nb.load(again)
    assert module.scale([1.0, 2.0], 0.5) == 1.5
    assert module._hlopt_bind(None) is module.scale
    assert not list(tmp_path.glob(".build-*"))


@pytest.mark.native
@needs_cc
def test_changed_source_or_flags_is_a_miss(tmp_path: Path) -> None:
    plain = nb.build(c_module("_hlopt_c_twice"), cache_dir=tmp_path)
    fast = nb.build(c_module("_hlopt_c_twice"), cache_dir=tmp_path, fast_math=True)
    assert not fast.cached and fast.path != plain.path
    assert "-ffast-math" in fast.flags and "-ffp-contract=off" not in fast.flags
    other = nb.build(c_module("_hlopt_c_twice2"), cache_dir=tmp_path)
    assert not other.cached and nb.load(other).twice(21) == 42


def test_cache_root_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HLOPT_CACHE_DIR", str(tmp_path))
    assert nb.cache_root() == tmp_path
    assert nb.cache_root(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv("HLOPT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert nb.cache_root() == tmp_path / "xdg" / "hlopt" / "native"


@pytest.mark.native
@needs_cc
def test_cython_error_is_a_build_error_with_its_message(tmp_path: Path) -> None:
    bad = CYTHON_SOURCE.replace("total: cython.double = 0.0", "cdef double total = 0.0")
    with pytest.raises(nb.BuildError) as info:
        nb.build(Generated("cython", "_hlopt_m_bad", bad, ".py", "h"), cache_dir=tmp_path)
    err = info.value
    assert isinstance(err, ToolchainError)
    assert "cdef" in err.output and "_hlopt_m_bad.py:5:4" in err.output
    assert "Cython rejected" in err.message
    assert err.source is not None and err.source.read_text() == bad
    assert str(err.source) in err.output
    assert not list(tmp_path.glob(".build-*"))


@pytest.mark.native
@needs_cc
def test_c_compiler_error_is_a_build_error(tmp_path: Path) -> None:
    gen = Generated("c", "_hlopt_c_bad", "int f( { return 1; }\n", ".c", "h")
    with pytest.raises(nb.BuildError) as info:
        nb.build(gen, cache_dir=tmp_path)
    assert "_hlopt_c_bad.c" in info.value.output and "error" in info.value.output
    assert info.value.source is not None and info.value.source.is_file()
    assert "failed on _hlopt_c_bad.c" in info.value.message


@needs_cc
def test_cc_environment_variable_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    gcc = shutil.which("gcc") or shutil.which("cc")
    monkeypatch.setenv("CC", str(gcc))
    assert nb.find_compiler().argv == (str(gcc),)
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(ToolchainError, match=r"\$CC names"):
        nb.find_compiler()


def test_unknown_compiler_choice() -> None:
    with pytest.raises(ToolchainError, match="'no-such-cc' not found") as info:
        nb.find_compiler("no-such-cc")
    assert "zig" in (info.value.hint or "")


@needs_zig
def test_zig_is_found_when_no_cc_is_on_path(no_path_compiler: None) -> None:
    found = nb.find_compiler()
    assert found.kind == "zig" and found.name.startswith("zig cc ")
    assert found.argv[1:] == ("-m", "ziglang", "cc")


@pytest.mark.native
@needs_zig
def test_build_with_zig_cc_when_no_cc_is_on_path(no_path_compiler: None,
                                                 tmp_path: Path) -> None:
    result = nb.build(c_module("_hlopt_z_twice"), cache_dir=tmp_path / "cache")
    assert result.compiler.startswith("zig cc ")
    assert nb.load(result).twice(-4) == -8
    gen = Generated("cython", "_hlopt_z_scale", CYTHON_SOURCE, ".py", "h")
    cy = nb.build(gen, cache_dir=tmp_path / "cache")
    assert cy.compiler.startswith("zig cc ") and nb.load(cy).scale([3.0], 2.0) == 6.0


def test_no_compiler_at_all(no_path_compiler: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nb, "zig_cc", lambda: None)
    with pytest.raises(ToolchainError, match="no C compiler found") as info:
        nb.find_compiler()
    assert "pip install ziglang" in (info.value.hint or "")
    with pytest.raises(ToolchainError, match="ziglang package is not installed"):
        nb.find_compiler("zig")


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    from hlopt.core.errors import UsageError

    with pytest.raises(UsageError, match="'.rs'"):
        nb.build(Generated("rust", "_hlopt_r", "", ".rs", "h"), cache_dir=tmp_path)


@pytest.mark.native
@needs_cc
def test_broken_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    first = nb.build(c_module("_hlopt_c_again"), cache_dir=tmp_path)
    os.remove(first.path)
    again = nb.build(c_module("_hlopt_c_again"), cache_dir=tmp_path)
    assert not again.cached and again.path.is_file()
