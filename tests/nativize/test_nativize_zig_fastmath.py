"""--fast-math for the Zig backend: @setFloatMode(.optimized), its own cache entry, and a
verification within the stated tolerance (bit for bit without it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import _backend_cases as cases
import pytest

from hlopt.nativize import build, zig_build, zig_gen
from hlopt.nativize.analyse import analyse
from hlopt.nativize.infer import infer
from hlopt.nativize.model import Call, Target
from hlopt.nativize.options import FAST_MATH, Options, available_backends, validate_backend
from hlopt.nativize.verify import tolerance, verify

pytestmark = [pytest.mark.native,
              pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                                 reason="the ziglang package is not installed")]

SOURCE = '''\
def sumsq(xs: list[float]) -> float:
    s = 0.0
    for x in xs:
        s += x * x
    return s


def cancel(x: float) -> float:
    return (x + 1e16) - 1e16
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cases.zig_cache_env()
    root = tmp_path_factory.mktemp("fastmath")
    (root / "fm.py").write_text(SOURCE, encoding="utf-8")
    return root


def _built(root: Path, name: str, fast: bool):
    target = Target(path=root / "fm.py", qualname=name, module="fm", root=root)
    a = analyse(target)
    typing = infer(a, [])
    gen = zig_gen.generate(a, typing)
    assert zig_build.FLOAT_MODE in gen.source  # .strict until a --fast-math build
    return target, typing, build.build(gen, cache_dir=root / "cache", fast_math=fast)


def test_every_backend_accepts_fast_math() -> None:
    for backend in available_backends():
        validate_backend(Options(targets=("m.py:f",), backend=backend, fast_math=True))
    assert "zig" in FAST_MATH and "zig" in available_backends()


def test_fast_math_is_a_separate_build_that_reorders_floats(project: Path) -> None:
    _, _, strict = _built(project, "cancel", fast=False)
    _, _, fast = _built(project, "cancel", fast=True)
    assert zig_build.FAST_FLAG in fast.flags and zig_build.FAST_FLAG not in strict.flags
    assert fast.path != strict.path  # the cache key holds the float mode
    fm = cases.load_module(project / "fm.py", "fm")
    exact = build.load(strict)._hlopt_bind(fm.cancel)
    loose = build.load(fast)._hlopt_bind(fm.cancel)
    assert exact(1.0) == fm.cancel(1.0) == 0.0  # 1 + 1e16 rounds to 1e16 in IEEE doubles
    assert loose(1.0) == 1.0  # reassociated: (x + c) - c became x


def test_fast_math_reduction_verifies_within_the_tolerance(project: Path) -> None:
    calls = [Call(([0.1 * i for i in range(500)],)), Call(([],)), Call(([3.0, -4.0],))]
    target, typing, strict = _built(project, "sumsq", fast=False)
    exact = verify(target, strict, typing, calls, examples=60)
    assert exact.ok and tolerance(False) == "floats bit for bit", exact.mismatches
    target, typing, fast = _built(project, "sumsq", fast=True)
    loose = verify(target, fast, typing, calls, examples=60, fast_math=True)
    assert loose.ok, loose.mismatches
    assert "relative 1e-09" in tolerance(True)


def test_fast_math_needs_the_float_mode_declaration(tmp_path: Path) -> None:
    source = tmp_path / "old.zig"
    source.write_text("pub fn f() void {}\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="does not declare hl_float_mode"):
        zig_build.build_lib(source, tmp_path / "old.so", zig_build.zig_flags(True))
    assert zig_build.zig_flags(False) == zig_build.ZIG_FLAGS[1:]
