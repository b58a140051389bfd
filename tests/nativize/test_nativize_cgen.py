"""The C backend: Python's semantics on edge values, fallback, and differential checks."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import _backend_cases as cases
import _rule_checks as rules
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.native

BIG = [0, 1, -1, 2, -2, 7, -7, 2**62, -(2**62), 2**63 - 1, -(2**63), 2**63, -(2**63) - 1]
FLOATS = [0.0, -0.0, 1.5, -1.5, 3.0, -3.0, 1e308, -1e308, 5e-324, math.inf, -math.inf,
          math.nan]
ints = st.one_of(st.integers(-(2**64), 2**64), st.sampled_from(BIG))
floats = st.one_of(st.floats(allow_nan=True), st.sampled_from(FLOATS))


@pytest.fixture(scope="module")
def fns(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return cases.build_all("c", tmp_path_factory.mktemp("cgen"))


def same(pair, *args) -> None:
    py, native = pair
    assert cases.outcome(native, *args) == cases.outcome(py, *args), args


@pytest.mark.parametrize("name", ["arith", "floordiv", "mod", "truediv", "shifts"])
def test_int_edges_match_python(fns: dict, name: str) -> None:
    for a in BIG:
        for b in [0, 1, -1, 3, -3, 63, 64, 2**63 - 1, -(2**63)]:
            same(fns[name], a, b)


@pytest.mark.parametrize("name", ["fdiv", "fmod"])
def test_float_division_edges_match_python_bit_for_bit(fns: dict, name: str) -> None:
    for a in FLOATS:
        for b in FLOATS:
            same(fns[name], a, b)


@settings(max_examples=60, deadline=None)
@given(a=ints, b=ints)
def test_int_ops_differential(fns: dict, a: int, b: int) -> None:
    for name in ("arith", "floordiv", "mod"):
        same(fns[name], a, b)
    # a shift by up to 2**64 makes Python (the fallback and the reference) build ints of
    # gigabytes: the worker ran out of memory. Shift counts around 64 are the edge cases.
    same(fns["shifts"], a, b % 300 - 100)


@settings(max_examples=60, deadline=None)
@given(a=floats, b=floats, n=ints)
def test_float_ops_differential(fns: dict, a: float, b: float, n: int) -> None:
    for name in ("fdiv", "fmod"):
        same(fns[name], a, b)
    same(fns["mixed"], n, a)
    same(fns["helper_user"], a, b)
    same(fns["flog"], a)


@settings(max_examples=40, deadline=None)
@given(xs=st.lists(floats, max_size=40), ys=st.lists(ints, max_size=40),
       data=st.binary(max_size=200), bins=st.integers(-2, 12))
def test_sequences_differential(fns: dict, xs, ys, data, bins) -> None:
    same(fns["fsum"], xs)
    same(fns["isum"], ys)
    same(fns["checksum"], data)
    same(fns["checksum"], bytearray(data))
    same(fns["checksum"], memoryview(data))
    same(fns["hist"], xs, bins)


def test_overflow_and_wrong_types_fall_back_to_python(fns: dict) -> None:
    py, native = fns["arith"]
    assert native(2**62, 4) == py(2**62, 4)  # overflows int64: Python's answer
    assert native(2**70, 1) == py(2**70, 1)  # a big int argument
    assert native(True, 2) == py(True, 2)  # bool is not int: fallback
    assert native(a=3, b=4) == py(3, 4)  # keywords: fallback
    py, native = fns["fsum"]
    assert native([1.0, 2, 3.5]) == py([1.0, 2, 3.5])  # an int element: fallback
    assert native((1.0, 2.0)) == py((1.0, 2.0))  # a tuple, not a list
    assert native([]) == 0.0
    py, native = fns["isum"]
    assert native([2**63 - 1, 1]) == py([2**63 - 1, 1])
    with pytest.raises(ValueError):  # max() of an empty list: Python raises it
        native([])


def test_errors_are_python_exceptions(fns: dict) -> None:
    with pytest.raises(ZeroDivisionError):
        fns["floordiv"][1](1, 0)
    with pytest.raises(ZeroDivisionError):
        fns["fmod"][1](1.0, 0.0)
    with pytest.raises(ValueError, match="negative"):
        fns["raises"][1](-1)
    with pytest.raises(ValueError):  # math.log(0): C gives -inf, Python raises
        fns["flog"][1](0.0)
    assert math.copysign(1.0, fns["fmod"][1](-0.0, 5.0)) == 1.0
    assert math.isnan(fns["fdiv"][1](math.nan, 2.0))


def test_loops_helpers_and_results(fns: dict) -> None:
    for name, args in (("roots", (50,)), ("roots", (-3,)), ("helper_user", (1.5, -2.25)),
                       ("hist", ([0.1, 0.5, 0.99, 2.0, -1.0], 4)), ("checksum", (b"",)),
                       ("raises", (7,))):
        same(fns[name], *args)


def test_module_contract(fns: dict) -> None:
    py, native = fns["arith"]
    mod = __import__("sys").modules.get(type(native).__module__)
    del mod
    assert native.__name__ == "arith"
    assert native.__self__.__hlopt__["backend"] == "c"
    assert native.__self__.__hlopt__["typing"] == {"a": "int", "b": "int", "return": "int"}


def test_verify_finds_no_mismatch_on_a_kernel(tmp_path: Path) -> None:
    from hlopt.nativize import build, c_gen
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.model import Call, Target
    from hlopt.nativize.verify import verify

    src = Path(__file__).resolve().parents[2] / "bench" / "kernels" / "k12_histogram.py"
    target = Target(path=src, qualname="histogram", module="k12_histogram", root=src.parent)
    a = analyse(target)
    calls = [Call(([0.5, 1.5, 9.9, -3.0], 0.0, 10.0, 5))]
    typing = infer(a, calls)
    built = build.build(c_gen.generate(a, typing), cache_dir=tmp_path)
    result = verify(target, built, typing, calls, examples=60)
    assert result.ok, result.mismatches


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_every_semantics_rule_holds(fns: dict, rule: str) -> None:
    """Overflow, negative // and %, ZeroDivisionError, NaN, -0.0, empty and huge inputs."""
    rules.RULES[rule](fns)


@pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                    reason="the ziglang package is not installed")
def test_c_backend_builds_with_zig_cc_and_no_cc_on_path(tmp_path: Path,
                                                       no_path_compiler: Path) -> None:
    """Only the ziglang package: an empty PATH, no $CC; the C source goes to `zig cc`."""
    from hlopt.nativize import build, c_gen
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.model import Target

    cases.zig_cache_env()
    path = tmp_path / "m.py"
    path.write_text("def tri(n: int) -> int:\n    t = 0\n    for i in range(n):\n"
                    "        t += i // 2 - i % 3\n    return t\n", encoding="utf-8")
    a = analyse(Target(path=path, qualname="tri", module="m", root=tmp_path))
    for choice in ("auto", "zig"):
        built = build.build(c_gen.generate(a, infer(a, [])), cache_dir=tmp_path / "c",
                            compiler=choice)
        assert built.compiler.startswith("zig cc") and "-ffp-contract=off" in built.flags
        native = build.load(built)._hlopt_bind(lambda n: -1)
        assert native(100) == sum(i // 2 - i % 3 for i in range(100))
        assert native(2**70) == -1  # a big int: the (fake) Python fallback runs
