"""The semantics rules of the C/Zig subset, checked on generated modules of either backend.

``fns`` is ``{name: (python function, native function)}`` for the functions of
_backend_cases.CASES; the C and the Zig test files run every check of RULES on their build.
"""

from __future__ import annotations

import math
import random
import struct

I64_MAX = 2**63 - 1


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _raised(fn, *args) -> tuple[str, str]:
    try:
        fn(*args)
    except Exception as exc:  # the exception is what is compared
        return type(exc).__name__, str(exc)
    raise AssertionError(f"{fn.__name__}{args} did not raise")


def overflow_falls_back(fns: dict) -> None:
    """Int results beyond int64 are Python's big ints (the Python function ran)."""
    for name, args, want in (("arith", (2**62, 4), 2**64 + 2**62 - 4),
                             ("arith", (I64_MAX, 1), I64_MAX * 1 + I64_MAX - 1),
                             ("floordiv", (-(2**63), -1), 2**63), ("shifts", (1, 64), 2**64),
                             ("isum", ([I64_MAX, 1],), I64_MAX + 1 + I64_MAX - 1)):
        py, native = fns[name]
        assert native(*args) == py(*args) == want, (name, args)
    py, native = fns["truediv"]
    assert bits(native(2**60 + 1, 3)) == bits(py(2**60 + 1, 3))  # beyond 2**53: Python's
    py, native = fns["arith"]
    assert native(2**70, 1) == py(2**70, 1) and native(True, 2) == py(True, 2)


def negative_floor_division_and_modulo(fns: dict) -> None:
    """// and % round towards minus infinity; % takes the divisor's sign."""
    floordiv, mod, fdiv, fmod = (fns[n][1] for n in ("floordiv", "mod", "fdiv", "fmod"))
    assert (floordiv(-7, 2), floordiv(7, -2), floordiv(-7, -2)) == (-4, -4, 3)
    assert (mod(-7, 2), mod(7, -2), mod(-7, -2), mod(-(2**63), -1)) == (1, -1, -1, 0)
    assert (fdiv(-7.0, 2.0), fdiv(7.0, -2.0), fmod(-7.0, 2.0), fmod(7.0, -2.0)) == \
        (-4.0, -4.0, 1.0, -1.0)
    assert fmod(-1e-300, 1.0) == fns["fmod"][0](-1e-300, 1.0) == 1.0


def zero_division_raises(fns: dict) -> None:
    """ZeroDivisionError with CPython's own message."""
    for name, args in (("floordiv", (1, 0)), ("mod", (1, 0)), ("truediv", (1, 0)),
                       ("fdiv", (1.0, 0.0)), ("fmod", (1.0, -0.0)), ("fmod", (math.nan, 0.0))):
        py, native = fns[name]
        assert _raised(native, *args) == _raised(py, *args), (name, args)
        assert _raised(native, *args)[0] == "ZeroDivisionError"


def nan_propagates(fns: dict) -> None:
    """NaN in, NaN out where Python gives NaN; NaN compares unequal; errors stay errors."""
    nan = math.nan
    for name, args in (("fdiv", (nan, 2.0)), ("fmod", (nan, 2.0)), ("fmod", (math.inf, 2.0)),
                       ("fsum", ([1.0, nan],)), ("flog", (nan,))):
        assert math.isnan(fns[name][1](*args)) and math.isnan(fns[name][0](*args)), name
    assert fns["mixed"][1](1, nan) is True and fns["mixed"][1](1, 0.5) is False
    assert fns["hist"][1]([nan, 0.5, nan], 2) == [0, 1]
    assert _raised(fns["flog"][1], -1.0) == _raised(fns["flog"][0], -1.0)  # ValueError


def negative_zero_keeps_its_sign(fns: dict) -> None:
    """-0.0 and 0.0 are different results (checked bit for bit)."""
    for name, args in (("fdiv", (-0.0, 5.0)), ("fdiv", (0.0, -5.0)), ("fmod", (-0.0, 5.0)),
                       ("fmod", (0.0, -5.0)), ("fmod", (10.0, -5.0)), ("fsum", ([-0.0],)),
                       ("helper_user", (-0.0, 0.0))):
        py, native = fns[name]
        got, want = native(*args), py(*args)
        got, want = (got, want) if isinstance(got, tuple) else ((got,), (want,))
        assert [bits(x) for x in got] == [bits(x) for x in want], (name, args, got, want)
    assert math.copysign(1.0, fns["fmod"][1](0.0, -5.0)) == -1.0


def empty_inputs(fns: dict) -> None:
    """Empty lists and buffers: Python's results and Python's errors."""
    fsum, isum, checksum, hist = (fns[n][1] for n in ("fsum", "isum", "checksum", "hist"))
    assert fsum([]) == 0.0 and type(fsum([])) is float
    assert _raised(isum, []) == _raised(fns["isum"][0], [])  # max() of an empty sequence
    assert checksum(b"") == checksum(bytearray()) == checksum(memoryview(b"")) == 1
    assert hist([], 3) == [0, 0, 0] and hist([], 0) == [] == hist([], -2)
    assert _raised(hist, [0.5], 0) == _raised(fns["hist"][0], [0.5], 0)  # [][0]: IndexError


def very_large_lists(fns: dict) -> None:
    """Half a million elements convert and reduce exactly as Python does."""
    rng = random.Random(60)
    xs = [rng.uniform(-1e6, 1e6) for _ in range(500_000)]
    ns = [rng.randrange(-(2**40), 2**40) for _ in range(500_000)]
    data = rng.randbytes(500_000)
    for name, args in (("fsum", (xs,)), ("isum", (ns,)), ("checksum", (data,)),
                       ("checksum", (bytearray(data),)), ("hist", ([abs(x) % 1 for x in xs], 64))):
        py, native = fns[name]
        got, want = native(*args), py(*args)
        assert got == want and (not isinstance(got, float) or bits(got) == bits(want)), name
    py, native = fns["fsum"]
    assert native([*xs, 1]) == py([*xs, 1])  # one int at the end: the Python function runs


RULES = {f.__name__: f for f in (overflow_falls_back, negative_floor_division_and_modulo,
                                 zero_division_raises, nan_propagates,
                                 negative_zero_keeps_its_sign, empty_inputs, very_large_lists)}
