"""The runtime helpers of native/ themselves (C header and Zig file), against Python.

Each helper is called through a small test extension (tests/nativize/_runtime_ext.py)
that returns ``(status, value)``: OK with Python's value, FALLBACK exactly where the
native types cannot hold Python's answer, or Python's own exception and message.
"""

from __future__ import annotations

import array
import importlib.util
import math
import operator
import os
import random
import struct
import sys
from pathlib import Path

import _backend_cases as cases
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.native
_HERE = Path(__file__).parent
OK, FALLBACK = 0, 1
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
EXACT = 2**53
EDGE_INTS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 63, 64, 2**31, 2**32 + 1, EXACT, EXACT + 1,
             -EXACT - 1, 2**62, -(2**62), I64_MAX, I64_MIN, I64_MAX - 1, I64_MIN + 1]
EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 3.0, -7.0, 1e-300, 5e-324, -5e-324, 1e308,
               -1e308, 2.0**63, -(2.0**63), 2.0**53 + 2, math.inf, -math.inf, math.nan]
i64 = st.one_of(st.integers(I64_MIN, I64_MAX), st.sampled_from(EDGE_INTS))
floats = st.one_of(st.floats(), st.sampled_from(EDGE_FLOATS))
INT_OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
           "floordiv": operator.floordiv, "mod": operator.mod}
FLOAT_OPS = {"fdiv": operator.truediv, "fmod": operator.mod, "ffloordiv": operator.floordiv}


import _runtime_ext as ext  # noqa: E402 - this folder is on sys.path (conftest)


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """A build cache shared by the xdist workers of this session (one build each)."""
    base = factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hlopt-rt"


@pytest.fixture(scope="module", params=["c", "zig"])
def rt(request, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "zig":
        if importlib.util.find_spec("ziglang") is None:
            pytest.skip("the ziglang package is not installed (the Zig runtime needs it)")
        cases.zig_cache_env()
    return ext.build_runtime(request.param, _shared_cache(tmp_path_factory))


def fits(v: object) -> bool:
    return type(v) is int and I64_MIN <= v <= I64_MAX


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def same_float(a: float, b: float) -> bool:
    """Bit for bit, any NaN equal to any NaN (C and CPython may pick other NaN payloads)."""
    return type(a) is float and (math.isnan(a) and math.isnan(b) or bits(a) == bits(b))


def native(fn, *args):
    """``(status, value)``, or ``("raised", type name, message)``."""
    try:
        return fn(*args)
    except Exception as exc:  # the helper's exception is part of what is compared
        return ("raised", type(exc).__name__, str(exc))


def python(op, *args):
    try:
        return (OK, op(*args))
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))


def expect_int(name: str, a: int, b: int):
    """What the checked int64 helper must return for Python's ``a <op> b``."""
    if name in ("lshift", "rshift", "ipow") and b < 0:
        return (FALLBACK, None)  # ValueError / a float result: Python computes it
    if name == "lshift" and a != 0 and b >= 64 or name == "ipow" and abs(a) > 1 and b >= 64:
        return (FALLBACK, None)  # far beyond 64 bits (not computed here: it would be huge)
    op = {**INT_OPS, "lshift": operator.lshift, "rshift": operator.rshift, "ipow": pow}[name]
    out = python(op, a, b)
    return out if out[0] == "raised" or fits(out[1]) else (FALLBACK, None)


# --- checked int64 arithmetic -------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(a=i64, b=i64)
def test_int_ops_match_python_or_fall_back(rt, a: int, b: int) -> None:
    for name in INT_OPS:
        assert native(getattr(rt, name), a, b) == expect_int(name, a, b), (name, a, b)
    for name, op in (("neg", operator.neg), ("abs", abs)):
        v = op(a)
        assert native(getattr(rt, name), a) == ((OK, v) if fits(v) else (FALLBACK, None))


@settings(max_examples=150, deadline=None)
@given(a=i64, b=st.one_of(st.integers(-3, 70), i64))
@example(a=-1, b=63)  # -1 << 63 == -2**63: the one shift by 63 that fits (found by CI)
@example(a=1, b=63)
def test_shifts_and_powers_match_python_or_fall_back(rt, a: int, b: int) -> None:
    for name in ("lshift", "rshift", "ipow"):
        assert native(getattr(rt, name), a, b) == expect_int(name, a, b), (name, a, b)
    small = a % 2000 - 1000
    assert native(rt.ipow, small, b % 20) == expect_int("ipow", small, b % 20)


def test_overflow_is_a_fallback_never_a_wrap(rt) -> None:
    assert rt.add(I64_MAX, 1) == (FALLBACK, None)
    assert rt.sub(I64_MIN, 1) == (FALLBACK, None)
    assert rt.mul(2**32, 2**31) == (FALLBACK, None) and rt.mul(2**31, 2**31) == (OK, 2**62)
    assert rt.neg(I64_MIN) == (FALLBACK, None) and rt.abs(I64_MIN) == (FALLBACK, None)
    assert rt.floordiv(I64_MIN, -1) == (FALLBACK, None)  # 2**63 does not fit
    assert rt.mod(I64_MIN, -1) == (OK, 0)
    assert rt.lshift(1, 63) == (FALLBACK, None) and rt.lshift(-1, 63) == (OK, -(2**63))
    assert rt.lshift(0, 10**6) == (OK, 0) and rt.rshift(-5, 10**6) == (OK, -1)
    assert rt.ipow(3, 39) == (OK, 3**39) and rt.ipow(3, 40) == (FALLBACK, None)
    assert rt.ipow(-2, 63) == (OK, -(2**63)) and rt.ipow(2, 63) == (FALLBACK, None)
    assert rt.ipow(-1, I64_MAX) == (OK, -1) and rt.ipow(2, -1) == (FALLBACK, None)


def test_negative_floor_division_and_modulo_round_down(rt) -> None:
    assert rt.floordiv(-7, 2) == (OK, -4) and rt.floordiv(7, -2) == (OK, -4)
    assert rt.floordiv(-7, -2) == (OK, 3) and rt.floordiv(-8, 2) == (OK, -4)
    assert rt.mod(-7, 2) == (OK, 1) and rt.mod(7, -2) == (OK, -1) and rt.mod(-7, -2) == (OK, -1)
    assert rt.ffloordiv(-7.0, 2.0) == (OK, -4.0) and rt.fmod(-7.0, 2.0) == (OK, 1.0)
    assert rt.fmod(7.0, -2.0) == (OK, -1.0)
    assert rt.fmod(-1e-300, 1.0) == (OK, 1.0)  # as CPython: the sign of the divisor
    for op, a, b, want in ((rt.fmod, -0.0, 5.0, 0.0), (rt.fmod, 0.0, -5.0, -0.0),
                           (rt.fmod, 10.0, -5.0, -0.0), (rt.ffloordiv, -0.0, 5.0, -0.0),
                           (rt.ffloordiv, 0.0, -5.0, -0.0), (rt.fdiv, -0.0, 2.0, -0.0)):
        status, got = op(a, b)
        assert status == OK and bits(got) == bits(want), (op.__name__, a, b, got)


@pytest.mark.parametrize(("name", "a", "b", "op"), [
    ("floordiv", 1, 0, operator.floordiv), ("mod", 1, 0, operator.mod),
    ("truediv", 1, 0, operator.truediv), ("fdiv", 1.0, 0.0, operator.truediv),
    ("fdiv", 1.0, -0.0, operator.truediv), ("fmod", 1.0, 0.0, operator.mod),
    ("ffloordiv", -1.0, 0.0, operator.floordiv), ("fdiv", math.nan, 0.0, operator.truediv),
])
def test_zero_division_raises_cpythons_error_and_message(rt, name, a, b, op) -> None:
    with pytest.raises(ZeroDivisionError) as native_err:
        getattr(rt, name)(a, b)
    with pytest.raises(ZeroDivisionError) as python_err:
        op(a, b)
    assert str(native_err.value) == str(python_err.value)


# --- floats ---------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(a=floats, b=floats)
def test_float_division_and_modulo_bit_for_bit(rt, a: float, b: float) -> None:
    for name, op in FLOAT_OPS.items():
        got, want = native(getattr(rt, name), a, b), python(op, a, b)
        if want[0] == "raised":
            assert got == want, (name, a, b)
        else:
            assert got[0] == OK and same_float(got[1], want[1]), (name, a, b, got, want)


@settings(max_examples=200, deadline=None)
@given(a=floats, b=floats)
def test_float_power_is_c_pow_or_a_fallback(rt, a: float, b: float) -> None:
    special = not (math.isfinite(a) and math.isfinite(b)) or a <= 0.0 or b == 0.0
    want = None if special else python(pow, a, b)
    if want is None or want[0] != OK or not math.isfinite(want[1]):
        assert rt.fpow(a, b) == (FALLBACK, None), (a, b)  # Python's special cases and errors
    else:
        status, got = rt.fpow(a, b)
        assert status == OK and bits(got) == bits(want[1]), (a, b)


@settings(max_examples=200, deadline=None)
@given(x=floats, n=i64)
def test_float_int_conversions(rt, x: float, n: int) -> None:
    if x == I64_MIN:  # int64's own minimum: either converted or left to Python
        assert rt.f2i(x) in ((OK, I64_MIN), (FALLBACK, None))
    elif math.isfinite(x) and I64_MIN < x < 2.0**63:
        assert rt.f2i(x) == (OK, int(x))
    else:  # nan, inf and floats beyond int64: Python's int() (or its error) runs
        assert rt.f2i(x) == (FALLBACK, None)
    if abs(n) <= EXACT:
        status, got = rt.i2f_exact(n)
        assert status == OK and bits(got) == bits(float(n))
    else:
        assert rt.i2f_exact(n) == (FALLBACK, None)


@settings(max_examples=150, deadline=None)
@given(a=i64, b=i64)
def test_int_true_division(rt, a: int, b: int) -> None:
    got = native(rt.truediv, a, b)
    if b == 0:
        assert got == python(operator.truediv, a, b)
    elif abs(a) > EXACT or abs(b) > EXACT:
        assert got == (FALLBACK, None)  # the operands are not exact doubles
    else:
        assert got[0] == OK and bits(got[1]) == bits(a / b)


def test_math_results_python_would_refuse_fall_back(rt) -> None:
    assert rt.math_ok(math.nan, -1.0) == (FALLBACK, None)  # log(-1): ValueError in Python
    assert rt.math_ok(-math.inf, 0.0) == (FALLBACK, None)  # log(0): ValueError
    assert rt.math_ok(math.inf, 1000.0) == (FALLBACK, None)  # exp(1000): OverflowError
    assert rt.math_ok(math.nan, math.nan) == (OK, None)  # nan in, nan out: Python agrees
    assert rt.math_ok(math.inf, math.inf) == (OK, None)
    assert rt.math_ok(-0.0, -0.0) == (OK, None)


def test_math_ok_on_every_class_of_result_and_input(rt) -> None:
    """Finite results pass at once; nan only from nan, inf only from a non-finite input."""
    big = sys.float_info.max
    values = [0.0, -0.0, 1.5, -2.0, big, -big, 5e-324, math.inf, -math.inf, math.nan]
    for r in values:
        for x in values:
            refused = (math.isnan(r) and not math.isnan(x)) or \
                (math.isinf(r) and math.isfinite(x))
            assert rt.math_ok(r, x) == ((FALLBACK if refused else OK), None), (r, x)


# --- arguments and results ------------------------------------------------------------------

class IntSub(int):
    pass


class FloatSub(float):
    pass


class ListSub(list):
    pass


@pytest.mark.parametrize("value", [0, -1, I64_MAX, I64_MIN, 2**63, I64_MIN - 1, 10**30, True,
                                   False, IntSub(3), 1.0, "1", None])
def test_int_arguments_are_exact_ints_that_fit(rt, value) -> None:
    assert rt.arg_int(value) == ((OK, value) if type(value) is int and fits(value)
                                 else (FALLBACK, None))


@pytest.mark.parametrize("value", [*EDGE_FLOATS, struct.unpack("<d", b"\x01\0\0\0\0\0\xf8\x7f")[0],
                                   FloatSub(1.5), 1, True, None])
def test_float_arguments_keep_every_bit(rt, value) -> None:
    if type(value) is not float:
        assert rt.arg_float(value) == (FALLBACK, None)
        return
    status, got = rt.arg_float(value)
    assert status == OK and bits(got) == bits(value)  # NaN payloads and -0.0 included


@pytest.mark.parametrize("value", [True, False, 1, 0, None, 1.0])
def test_bool_arguments_are_true_or_false(rt, value) -> None:
    assert rt.arg_bool(value) == ((OK, value) if type(value) is bool else (FALLBACK, None))


elements = st.one_of(floats, i64, st.integers(), st.booleans(), st.none(),
                     st.builds(FloatSub, st.floats()))


@settings(max_examples=150, deadline=None)
@given(xs=st.lists(elements, max_size=30))
def test_list_conversions_check_every_element(rt, xs: list) -> None:
    for convert in (rt.arg_list_float, rt.view_floats):  # copied, or read in place
        status, got = convert(xs)
        if all(type(x) is float for x in xs):
            assert status == OK and [bits(x) for x in got] == [bits(x) for x in xs]
        else:
            assert (status, got) == (FALLBACK, None)
    want = (OK, xs) if all(type(x) is int and fits(x) for x in xs) else (FALLBACK, None)
    assert rt.arg_list_int(xs) == want


@pytest.mark.parametrize("value", [(1.0, 2.0), ListSub([1.0]), [1.0, 2], [1.0, True],
                                   [1.0, FloatSub(2.0)], [1.0, "x"], None, array.array("d")])
def test_float_lists_of_other_types_fall_back(rt, value) -> None:
    assert rt.arg_list_float(value) == (FALLBACK, None)
    assert rt.view_floats(value) == (FALLBACK, None)


@pytest.mark.parametrize("value", [(1, 2), ListSub([1]), [1, 2.0], [1, True], [1, 2**63],
                                   [1, IntSub(2)], [I64_MIN - 1]])
def test_int_lists_of_other_types_fall_back(rt, value) -> None:
    assert rt.arg_list_int(value) == (FALLBACK, None)


def test_empty_and_very_large_lists(rt) -> None:
    assert rt.arg_list_float([]) == (OK, []) and rt.arg_list_int([]) == (OK, [])
    assert rt.ret_list_bool([]) == (OK, [])
    rng = random.Random(6)
    xs = [rng.uniform(-1e300, 1e300) for _ in range(1_000_000)] + [-0.0, math.inf]
    status, got = rt.arg_list_float(xs)
    assert status == OK and array.array("d", got).tobytes() == array.array("d", xs).tobytes()
    ns = [rng.randrange(I64_MIN, I64_MAX) for _ in range(1_000_000)]
    assert rt.arg_list_int(ns) == (OK, ns)
    assert rt.arg_list_int([*ns, 2**63]) == (FALLBACK, None)  # the last element decides
    assert rt.arg_list_float([*xs, 1]) == (FALLBACK, None)
    assert rt.view_floats([*xs, 1]) == (FALLBACK, None) and rt.view_floats([]) == (OK, [])


def test_bytes_like_arguments(rt) -> None:
    data = bytes(range(256))
    for value in (data, bytearray(data), memoryview(data), b"", bytearray(),
                  memoryview(array.array("B", data)), memoryview(data)[10:20]):
        assert rt.arg_bytes(value) == (OK, bytes(value))
    for value in ("text", memoryview(data)[::2], memoryview(array.array("i", [1, 2])),
                  memoryview(data).cast("B", (16, 16)), array.array("B", data), 7, [1, 2]):
        assert rt.arg_bytes(value) == (FALLBACK, None), value


def test_results_are_python_objects(rt) -> None:
    assert rt.ret_tuple(-5, -0.0, 1) == (-5, -0.0, True, None)
    assert math.copysign(1.0, rt.ret_tuple(0, -0.0, 0)[1]) == -1.0
    assert rt.ret_list_bool([0, 3, -1, 0]) == (OK, [False, True, True, False])
    assert rt.arg_int(I64_MIN) == (OK, I64_MIN) and rt.arg_float(-0.0)[1].hex() == "-0x0.0p+0"


@settings(max_examples=200, deadline=None)
@given(i=i64, n=st.one_of(st.integers(0, 10), st.integers(0, 2**40)))
def test_index_counts_from_the_end_like_python(rt, i: int, n: int) -> None:
    try:
        want = range(n)[i]
    except IndexError:
        want = -1  # out of range: the generated code raises IndexError
    assert rt.index(i, n) == want


def test_local_lists_have_python_lengths(rt) -> None:
    assert rt.new_list(5) == (OK, 5) and rt.new_list(0) == (OK, 0)
    assert rt.new_list(-3) == (OK, 0)  # [x] * -3 == []
    assert rt.new_list(2**60) == (FALLBACK, None)  # Python raises MemoryError itself


def test_raise_sets_the_python_exception(rt) -> None:
    with pytest.raises(ValueError, match="^negative count$"):
        rt.raise_value("negative count")
