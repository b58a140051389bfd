"""The C and Zig backends' fast paths keep Python's semantics: range loops without
per-step overflow checks, list[float] and list[int] arguments read in place, list[bool]
as bytes,
counting bools without overflow checks."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import _backend_cases as cases
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.native

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
SOURCE = '''
def stepped(start: int, stop: int, step: int) -> int:
    total = 0
    for i in range(start, stop, step):
        total += i % 7
        if i % 5 == 0:
            continue
        total += 1
    return total


def unit(n: int) -> int:
    t = 0
    for i in range(n, -n, -1):
        t += i % 3
    for i in range(-n, n):
        t -= i % 5
        i = 100  # the loop variable may be reassigned: the next item comes from the range
    return t


def zero_step(n: int) -> int:
    t = 0
    for i in range(0, n, 0):
        t += i
    return t + 1


def flags(n: int) -> list[bool]:
    out = [False] * n
    for i in range(0, n, 3):
        out[i] = True
    return out


def count(n: int) -> int:
    out = [True] * n
    for i in range(0, n, 2):
        out[i] = False
    return sum(out)


def in_place(xs: list[float], k: int) -> float:
    s = 0.0
    for x in xs:
        s += x
    if len(xs) > 0:
        s += xs[k] * xs[-1]
    return s + max(xs) - min(xs)


def pairs(xs: list[float], ys: list[float]) -> float:
    s = 0.0
    for x, y in zip(xs, ys):
        s += x * y
    return s


def int_total(xs: list[int], k: int) -> int:
    t = 0
    for x in xs:
        t += x
    if len(xs) > 0:
        t += xs[k]
    return t


def int_passes(xs: list[int]) -> int:
    return max(xs) - min(xs) + sum(xs)


def int_nested(xs: list[int]) -> int:
    t = 0
    for i in range(len(xs)):
        for j in range(i):
            t += xs[i] * xs[j]
    return t


def helper(xs: list[float]) -> float:
    return xs[0]


def passed_on(xs: list[float]) -> float:
    return helper(xs) + len(xs)


def truncated(x: float) -> int:
    return int(x)


def sieve(n: int, first: int) -> int:
    flags = [True] * n
    for i in range(2, n):
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
    for k in range(first, n):
        flags[k] = not flags[k]
    return sum(flags)


def not_proved(n: int, k: int) -> int:
    m = n + k
    flags = [0] * n
    for a in range(0, m):  # the stop is not the list's length: every index is checked
        flags[a] += 1
    for b in range(n - 1, -1, -1):  # counts down: checked
        flags[b] += b
    for c in range(0, n):
        c = c + k  # the loop variable is reassigned: checked
        flags[c] += 1
    return sum(flags)


def halves(n: int) -> int:
    steps = 0
    for start in range(1, n):
        x = start
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += x % 7 + x // 5
    return steps


def reduce(data: bytes, m: int, start: int) -> int:
    a = start
    for byte in data:
        a = (a + byte) % m
    return a * 3 % m + start % m
'''
NAMES = ["stepped", "unit", "zero_step", "flags", "count", "in_place", "pairs", "passed_on",
         "int_total", "int_passes", "int_nested",
         "truncated", "reduce", "sieve", "not_proved", "halves"]
BACKENDS = ["c", pytest.param("zig", marks=pytest.mark.skipif(
    importlib.util.find_spec("ziglang") is None, reason="the ziglang package is not installed"))]


def _build(backend: str, tmp: Path) -> dict:
    from hlopt.nativize import build
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.model import Target

    if backend == "zig":
        cases.zig_cache_env()
    gen_mod = importlib.import_module(f"hlopt.nativize.{backend}_gen")
    path = tmp / "fast.py"
    path.write_text(SOURCE, encoding="utf-8")
    py = cases.load_module(path, "fast")
    out = {}
    for name in NAMES:
        a = analyse(Target(path=path, qualname=name, module="fast", root=tmp))
        built = build.build(gen_mod.generate(a, infer(a, [])), cache_dir=tmp / "cache")
        out[name] = (getattr(py, name), build.load(built)._hlopt_bind(getattr(py, name)))
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def fns(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _build(request.param, tmp_path_factory.mktemp(request.param))


def same(pair, *args) -> None:
    py, native = pair
    assert cases.outcome(native, *args) == cases.outcome(py, *args), args


RANGES = [(0, 30, 1), (30, 0, -1), (0, 30, 4), (30, -5, -4), (5, 5, 3), (0, 10, 0), (3, 40, -2),
          (I64_MAX - 10, I64_MAX, 3), (I64_MIN, I64_MIN + 20, 7), (I64_MIN + 20, I64_MIN, -7),
          (I64_MAX, I64_MIN, -(2**62)), (I64_MIN, I64_MAX, 2**62), (0, 9, I64_MAX),
          (0, -9, I64_MIN), (I64_MAX - 1, I64_MAX, 1), (I64_MIN + 1, I64_MIN, -1)]


def test_range_loops_visit_what_python_visits(fns: dict) -> None:
    for args in RANGES:
        same(fns["stepped"], *args)
    for n in (0, 1, 7, -3):
        same(fns["unit"], n)
    for n in (0, 5):  # range(..., 0) raises ValueError: the native code falls back
        same(fns["zero_step"], n)


@settings(max_examples=40, deadline=None)
@given(start=st.integers(-60, 60), stop=st.integers(-60, 60), step=st.integers(-9, 9))
def test_range_steps_differential(fns: dict, start: int, stop: int, step: int) -> None:
    same(fns["stepped"], start, stop, step)


def test_bool_lists_are_returned_and_counted(fns: dict) -> None:
    for n in (0, 1, 2, 10, -2, 1000):
        same(fns["flags"], n)
        same(fns["count"], n)


def test_lists_read_in_place_check_every_item_they_read(fns: dict) -> None:
    py, native = fns["in_place"]
    for args in (([1.5], 0), ([1.0, 2.0, -0.0], -3), ([math.nan, 1.0], 1), ([1.0, 2.0], 5),
                 ([1.0, 2], 0), ([1.0, True], 0), ((1.0, 2.0), 0), ([], 0)):
        same(fns["in_place"], *args)
    assert native([1.0, 2.5], 1) == py([1.0, 2.5], 1)
    for args in (([1.0, 2.0], [3.0]), ([1.0, "x"], [2.0]), ([], [1.0]), ([1.0], [2])):
        same(fns["pairs"], *args)  # zip stops at the shorter list: "x" is never read
    same(fns["passed_on"], [4.0, 1.0])
    same(fns["passed_on"], [4, 1.0])


INT_ITEMS = [0, 1, -1, 2**30 - 1, 2**30, -(2**30) + 1, -(2**30), 2**31, -(2**31), 2**62,
             I64_MAX, I64_MIN, 12345678901234]


def test_int_lists_check_every_item_at_the_digit_and_int64_edges(fns: dict) -> None:
    """One-digit ints are read inline, longer ones through the C API, beyond int64 and
    non-ints fall back: the result is Python's in every case."""
    for x in INT_ITEMS:
        for name in ("int_total", "int_passes", "int_nested"):
            same(fns[name], [x, 3, x], *(() if name != "int_total" else (0,)))
    for bad in ([1, 2**63], [1, -(2**63) - 1], [1, True], [1, 2.0], [1, "x"], (1, 2), []):
        same(fns["int_total"], bad, 0)
        same(fns["int_passes"], bad)
        same(fns["int_nested"], bad)
    same(fns["int_total"], [I64_MAX, 1], 0)  # overflow of the sum: Python's big int
    same(fns["int_total"], [1, 2, 3], 7)  # IndexError from Python


@settings(max_examples=40, deadline=None)
@given(xs=st.lists(st.integers(I64_MIN, I64_MAX) | st.integers(-(2**31), 2**31), max_size=12),
       k=st.integers(-13, 13))
def test_int_lists_differential(fns: dict, xs: list[int], k: int) -> None:
    same(fns["int_total"], xs, k)
    same(fns["int_passes"], xs)
    same(fns["int_nested"], xs)


MODULI = [65521, 7, 8, 1, 2, -7, -65521, -8, I64_MAX, I64_MIN, 2**62, 2**62 + 1, 3 * 2**61]


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=64), m=st.sampled_from(MODULI) | st.integers(-9, 9),
       start=st.sampled_from([0, 1, -1, I64_MAX, I64_MIN, 2**62, -(2**62)])
       | st.integers(-300, 300))
def test_modulo_of_an_accumulator_differential(fns: dict, data: bytes, m: int,
                                              start: int) -> None:
    same(fns["reduce"], data, m, start)  # m == 0 raises ZeroDivisionError in both


def test_proved_and_unproved_indexes_match_python(fns: dict) -> None:
    for n in (0, 1, 2, 3, 10, 97, 1000, -5):
        for first in (0, 2, -1, -3, n, n + 5):
            same(fns["sieve"], n, first)  # a negative start: checked, -1 is the last item
    for n, k in ((0, 0), (5, 0), (5, 1), (5, -2), (1, 3), (-3, 0)):
        same(fns["not_proved"], n, k)  # out of range: IndexError from Python
    for n in (0, 1, 2, 30, 200):
        same(fns["halves"], n)


def test_the_ir_marks_only_what_it_proved(tmp_path: Path) -> None:
    from hlopt.nativize import ir
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.ir_lower import lower
    from hlopt.nativize.model import Target

    path = tmp_path / "fast.py"
    path.write_text(SOURCE, encoding="utf-8")

    def ops(name: str) -> tuple[list[str], list[bool]]:
        a = analyse(Target(path=path, qualname=name, module="fast", root=tmp_path))
        body = lower(a, infer(a, [])).target.body
        kinds = [s.op.kind for s in ir.walk(body) if isinstance(s, ir.Assign)]
        return kinds, [s.checked for s in ir.walk(body) if isinstance(s, ir.Store)]

    kinds, checked = ops("sieve")
    assert checked == [False, True] and kinds.count("index_ok") == 1  # flags[i]; not flags[k]
    kinds, checked = ops("not_proved")
    assert "index_ok" not in kinds and all(checked)
    kinds, _ = ops("halves")
    assert kinds.count("udiv") == 2 and kinds.count("umod") == 2 and "mod" not in kinds
    kinds, _ = ops("reduce")  # start is a parameter: may be negative
    assert kinds.count("mod") == 3 and "umod" not in kinds


def test_int_of_float_at_the_int64_edges(fns: dict) -> None:
    for x in (-(2.0**63), 2.0**63, -0.0, 1e300, math.inf, math.nan, 9.9e18, -9.2e18, 0.5):
        same(fns["truncated"], x)


def test_list_parameters_read_in_place_only_when_they_stay_local(tmp_path: Path) -> None:
    from hlopt.nativize import ir
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.ir_lower import lower
    from hlopt.nativize.model import Target

    path = tmp_path / "fast.py"
    path.write_text(SOURCE, encoding="utf-8")
    views = {}
    for name in ("in_place", "pairs", "passed_on", "int_total", "int_passes", "int_nested"):
        a = analyse(Target(path=path, qualname=name, module="fast", root=tmp_path))
        views[name] = ir.list_views(lower(a, infer(a, [])).target)
    # a list[int] item costs a conversion per read: read in place only by one, flat loop
    assert views == {"in_place": {"v_xs"}, "pairs": {"v_xs", "v_ys"}, "passed_on": set(),
                     "int_total": {"v_xs"}, "int_passes": set(), "int_nested": set()}
