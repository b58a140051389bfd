"""``hlopt nativize`` on the command line: bad input, a Cython error, no compiler, a real run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hlopt.nativize.options import available_backends

KERNEL = '''\
"""A small numeric module."""


def sum_squares(xs):
    total = 0.0
    for x in xs:
        total += x * x
    return total
'''

needs_cython_backend = pytest.mark.skipif("cython" not in available_backends(),
                                          reason="the Cython generator is not in this hlopt")


@pytest.fixture
def project(make_tree, monkeypatch) -> Path:
    root = make_tree({"kernel.py": KERNEL, "broken.py": "def ok():\n    return (1\n"})
    monkeypatch.chdir(root)
    return root


def test_a_function_that_does_not_exist(invoke, project: Path) -> None:
    result = invoke(["nativize", "kernel.py:sum_cubes"], exit_code=2)
    assert "hlopt: error: kernel.py has no function `sum_cubes`" in result.stderr
    assert "hint: functions in kernel.py: sum_squares" in result.stderr


def test_a_file_with_a_syntax_error(invoke, project: Path) -> None:
    result = invoke(["nativize", "broken.py:ok"], exit_code=2)
    assert "hlopt: error: broken.py:2:" in result.stderr and "syntax error" in result.stderr


def test_usage_errors(invoke, project: Path) -> None:
    assert "nothing to nativize" in invoke(["nativize"], exit_code=2).stderr
    both = invoke(["nativize", "kernel.py:sum_squares", "--apply", "--revert"], exit_code=2)
    assert "--apply and --revert cannot be used together" in both.stderr
    assert "backend 'rust' is not known" in invoke(
        ["nativize", "kernel.py:sum_squares", "--backend", "rust"], exit_code=2).stderr
    assert "--revert needs the functions" in invoke(["nativize", "--revert"], exit_code=2).stderr


def test_revert_of_a_function_never_nativized(invoke, project: Path) -> None:
    result = invoke(["nativize", "--revert", "kernel.py:sum_squares"], exit_code=2)
    assert "`sum_squares` is not nativized" in result.stderr


def test_check_with_nothing_installed_exits_0(invoke, project: Path) -> None:
    result = invoke(["nativize", "--check", ".", "--format", "json"])
    assert json.loads(result.stdout)["notes"] == ["no nativized function under " + str(project)]


@needs_cython_backend
def test_no_compiler_at_all_is_a_clear_message(invoke, project: Path, monkeypatch) -> None:
    import importlib.util

    monkeypatch.setenv("PATH", str(project / "empty-bin"))
    monkeypatch.delenv("CC", raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ziglang" else real(name, *a))
    result = invoke(["nativize", "kernel.py:sum_squares", "--sample", "sum_squares([1.0, 2.0])"],
                    exit_code=2)
    assert "hlopt: error: no C compiler found" in result.stderr
    assert "pip install ziglang" in result.stderr
    assert (project / "kernel.py").read_text() == KERNEL


@needs_cython_backend
@pytest.mark.native
def test_a_cython_compile_error_shows_cythons_message_and_leaves_the_file(
        invoke, project: Path, monkeypatch) -> None:
    from hlopt.nativize import cython_gen

    real = cython_gen.generate

    def broken(analysis, typing):
        gen = real(analysis, typing)
        gen.source += "\ncdef int broken = \n"
        return gen

    monkeypatch.setattr(cython_gen, "generate", broken)
    result = invoke(["nativize", "kernel.py:sum_squares", "--sample", "sum_squares([1.0, 2.0])",
                     "--apply", "--format", "json"], exit_code=1)
    doc = json.loads(result.stdout)
    [failed] = [f for f in doc["findings"] if f["code"] == "HLN004"]
    assert "Cython rejected the generated source" in failed["message"]
    assert "kernel.py was left untouched" in failed["message"]
    assert "Error compiling Cython file" in failed["data"]["output"]
    assert "The 'cdef' keyword is only allowed in Cython files" in failed["data"]["output"]
    assert (project / "kernel.py").read_text() == KERNEL
    assert not (project / "native").exists()


@needs_cython_backend
@pytest.mark.native
def test_end_to_end_apply_check_and_revert(invoke, project: Path, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache"), "--rounds", "8", "--examples", "40"]
    args = ["nativize", "kernel.py:sum_squares", "--sample", "sum_squares([0.5] * 2000)", *cache]
    applied = json.loads(invoke([*args, "--apply", "--format", "json"]).stdout)
    assert applied["exit_code"] == 0, applied["findings"]
    names = {m["name"] for m in applied["metrics"]}
    assert {"sum_squares: time per call", "sum_squares: mismatches",
            "sum_squares: inputs verified", "sum_squares: extension size"} <= names
    assert {a["kind"] for a in applied["artifacts"]} >= {"extension", "generated-source"}
    assert "# hlopt nativize: end sum_squares" in (project / "kernel.py").read_text()
    invoke(["nativize", "--check", "kernel.py"])
    (project / "kernel.py").write_text((project / "kernel.py").read_text().replace(
        "total += x * x", "total += x * x * x"))
    stale = invoke(["nativize", "--check", ".", "--format", "json"], exit_code=1)
    assert [f["code"] for f in json.loads(stale.stdout)["findings"]] == ["HLN020"]
    invoke(["nativize", "--revert", "kernel.py:sum_squares"])
    assert (project / "kernel.py").read_text() == KERNEL.replace("total += x * x",
                                                                  "total += x * x * x")
    assert not list(project.glob("_hlopt_*")) and not (project / "native").exists()
