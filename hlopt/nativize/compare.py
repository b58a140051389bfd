"""How verify judges two runs of a call equal, and how it writes the difference down.

Floats compare bit for bit (NaN equals NaN, -0.0 differs from 0.0) unless fast-math was
asked for; containers compare element by element, in order (a dict's order is visible to
Python code); types must match exactly (``True`` is not ``1``).
"""

from __future__ import annotations

import copy
import math
import struct
from dataclasses import dataclass
from typing import Any

#: relative tolerance of float comparisons of a --fast-math build
FAST_MATH_REL_TOL = 1e-9
#: longest argument or value text in a report; longer ones are cut (the call is then
#: marked as not pasteable by the "…")
MAX_TEXT = 2000


@dataclass
class Outcome:
    """What one side did with one call: its return value or exception, and its arguments
    after the call."""

    returned: Any = None
    raised: BaseException | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] | None = None


def run(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
    """Call ``func`` on these (already fresh) arguments and keep everything it did."""
    try:
        value = func(*args, **kwargs)
    except Exception as exc:  # every exception is an outcome to compare
        return Outcome(raised=exc, args=args, kwargs=kwargs)
    return Outcome(returned=value, args=args, kwargs=kwargs)


def same(a: Any, b: Any, tol: float | None = None) -> bool:
    """Equal as verify means it (``tol``: relative float tolerance, None = bit for bit)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return _same_float(a, b, tol)
    if isinstance(a, complex):
        return _same_float(a.real, b.real, tol) and _same_float(a.imag, b.imag, tol)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb, tol) and same(va, vb, tol)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True))
    return _same_other(a, b)


def _same_float(a: float, b: float, tol: float | None) -> bool:
    if tol is None:
        return math.isnan(a) and math.isnan(b) or struct.pack("<d", a) == struct.pack("<d", b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=tol, abs_tol=0.0)


def _same_other(a: Any, b: Any) -> bool:
    if isinstance(a, memoryview):
        return a.tobytes() == b.tobytes() and a.format == b.format
    if type(a).__eq__ is object.__eq__ and hasattr(a, "__dict__"):
        return same(vars(a), vars(b))
    try:
        return bool(a == b)
    except Exception:
        return repr(a) == repr(b)


def same_outcome(py: Outcome, native: Outcome, tol: float | None = None) -> bool:
    """Same return value (or same exception type) and the same arguments afterwards."""
    if (py.raised is None) != (native.raised is None):
        return False
    if py.raised is not None and type(py.raised) is not type(native.raised):
        return False
    if py.raised is None and not same(py.returned, native.returned, tol):
        return False
    return same(py.args, native.args, tol) and same(py.kwargs, native.kwargs, tol)


def describe(out: Outcome, before: Outcome, names: list[str], other: Outcome | None = None,
             tol: float | None = None) -> str:
    """"returned 5" / "raised ZeroDivisionError: ...", then the arguments it changed.

    ``before`` holds the arguments as they were; with ``other``, only the arguments on
    which the two sides differ are shown, or all changed ones when they agree.
    """
    if out.raised is not None:
        text = f"raised {type(out.raised).__name__}: {out.raised}".rstrip(": ")
    else:
        text = f"returned {show(out.returned)}"
    changed = []
    for i, (old, new) in enumerate(zip(before.args, out.args, strict=True)):
        differs = other is not None and not same(new, other.args[i], tol)
        if differs or not same(old, new, tol):
            name = names[i] if i < len(names) else f"argument {i + 1}"
            changed.append(f"{name} became {show(new)}")
    for key, new in (out.kwargs or {}).items():
        if not same((before.kwargs or {}).get(key), new, tol):
            changed.append(f"{key} became {show(new)}")
    return "; ".join([text, *changed])


def call_text(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """``func([1.0, 2.0], -3, key='a')``: the call, as a person can paste it."""
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def show(value: Any) -> str:
    """A value's repr, cut at MAX_TEXT characters."""
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not hide the mismatch
        text = f"<{type(value).__name__}: repr raised {type(exc).__name__}>"
    if type(value) is float and (math.isnan(value) or math.isinf(value)):
        text = f"float({text!r})"
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def fresh(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy that also copies memoryviews (deepcopy cannot) and keeps aliasing."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, memoryview):
        data = value.tobytes()
        out: Any = memoryview(data if value.readonly else bytearray(data)).cast(value.format)
    elif type(value) is list:
        out = memo[id(value)] = []
        out.extend(fresh(v, memo) for v in value)
    elif type(value) is tuple:
        out = tuple(fresh(v, memo) for v in value)
    elif type(value) is dict:
        out = memo[id(value)] = {}
        out.update((fresh(k, memo), fresh(v, memo)) for k, v in value.items())
    else:
        out = copy.deepcopy(value)
    memo[id(value)] = out
    return out
