"""The Zig backend: the same semantics cases as the C backend, built with only ziglang."""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path

import _backend_cases as cases
import _rule_checks as rules
import pytest

pytestmark = [pytest.mark.native,
              pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                                 reason="the ziglang package is not installed")]
EDGES_I = [0, 1, -1, 7, -7, 2**63 - 1, -(2**63), 2**63]
EDGES_F = [0.0, -0.0, 1.5, -1.5, math.inf, -math.inf, math.nan, 1e308]


@pytest.fixture(scope="module")
def fns(tmp_path_factory: pytest.TempPathFactory) -> dict:
    cases.zig_cache_env()  # zig's own cache is shared across runs (cold builds are slow)
    return cases.build_all("zig", tmp_path_factory.mktemp("zig"))


def same(pair, *args) -> None:
    py, native = pair
    assert cases.outcome(native, *args) == cases.outcome(py, *args), args


def test_zig_semantics_match_python(fns: dict) -> None:
    for a in EDGES_I:
        for b in [0, 1, -1, 3, -3, 64]:
            for name in ("arith", "floordiv", "mod", "truediv", "shifts"):
                same(fns[name], a, b)
    for a in EDGES_F:
        for b in EDGES_F:
            same(fns["fdiv"], a, b)
            same(fns["fmod"], a, b)
            same(fns["helper_user"], a, b)
        same(fns["flog"], a)
        same(fns["mixed"], 2**60 + 1, a)
    for args in (([0.5, -0.0, 2.0],), ([],), ([1.0, 2],)):
        same(fns["fsum"], *args)
    for args in (([3, -4, 2**62],), ([2**63 - 1, 1],), ([],), ([True],)):
        same(fns["isum"], *args)
    for data in (b"", b"hello", bytearray(b"\xff" * 300), memoryview(b"abc"), "str"):
        same(fns["checksum"], data)
    for args in (([0.1, 0.5, 0.99, 2.0, math.nan], 4), ([0.5], 0), ([0.5], -1)):
        same(fns["hist"], *args)
    for args in ((60,), (0,)):
        same(fns["roots"], *args)
    same(fns["raises"], -1)
    same(fns["raises"], 5)
    assert fns["arith"][1].__self__.__hlopt__["backend"] == "zig"


def test_zig_builds_with_no_c_compiler_on_path(tmp_path: Path, no_path_compiler: Path) -> None:
    """Only the ziglang package: an empty PATH and no $CC."""
    import sys

    from hlopt.nativize import build, zig_gen
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.model import Target

    cases.zig_cache_env()
    path = tmp_path / "m.py"
    path.write_text("def tri(n: int) -> int:\n    t = 0\n    for i in range(n):\n"
                    "        t += i\n    return t\n", encoding="utf-8")
    assert build.find_compiler("auto").kind == "zig"
    a = analyse(Target(path=path, qualname="tri", module="m", root=tmp_path))
    built = build.build(zig_gen.generate(a, infer(a, [])), cache_dir=tmp_path / "c")
    native = build.load(built)._hlopt_bind(lambda n: -1)
    assert native(100) == 4950 and built.compiler.startswith("zig")
    assert native(2**70) == -1  # a big int: the (fake) Python fallback runs
    assert sys.executable and os.environ["PATH"] == str(no_path_compiler)


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_every_semantics_rule_holds(fns: dict, rule: str) -> None:
    """Overflow, negative // and %, ZeroDivisionError, NaN, -0.0, empty and huge inputs."""
    rules.RULES[rule](fns)
