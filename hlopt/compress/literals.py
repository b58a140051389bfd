"""The shortest spelling of a literal that has the same value and the same type.

Each candidate is checked by evaluating it (``ast.literal_eval``), so a spelling is only
chosen when it provably means the same constant; otherwise the original stays.
"""

from __future__ import annotations

import ast
import math
import re
from decimal import Decimal

_STRING_PREFIX = re.compile(r"^([A-Za-z]*)")


def shortest_number(text: str) -> str:
    """``0x10`` -> ``16``, ``1.0`` -> ``1.``, ``0.50`` -> ``.5``, ``100000.0`` -> ``1e5``."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(value, bool):
        return text
    if isinstance(value, int):
        candidates = [str(value), hex(value)]
    elif isinstance(value, float):
        candidates = _float_spellings(value)
    elif isinstance(value, complex) and value.real == 0:
        candidates = [c + "j" for c in _imag_spellings(value.imag)]
    else:
        return text
    return _pick(text, value, candidates)


def _pick(text: str, value: object, candidates: list[str]) -> str:
    best = text
    for cand in candidates:
        if len(cand) < len(best) and _same(cand, value):
            best = cand
    return best


def _same(spelling: str, value: object) -> bool:
    try:
        got = ast.literal_eval(spelling)
    except (ValueError, SyntaxError):
        return False
    return type(got) is type(value) and got == value


def _imag_spellings(imag: float) -> list[str]:
    spellings = _float_spellings(imag)
    if imag.is_integer() and abs(imag) < 1e16:
        spellings.append(str(int(imag)))
    return spellings


def _float_spellings(value: float) -> list[str]:
    """Plain and scientific spellings of a finite, non-negative float."""
    if not math.isfinite(value) or value < 0:
        return []
    _, digit_tuple, exp = Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    assert isinstance(exp, int)
    n = len(digits)
    out = [f"{digits}e{exp}", f"{digits[0]}.{digits[1:]}e{exp + n - 1}"]
    if exp >= 0:
        out.append(digits + "0" * exp + ".")
    elif n + exp > 0:
        out.append(f"{digits[:n + exp]}.{digits[n + exp:]}")
    else:
        out.append("." + "0" * -(n + exp) + digits)
    return out


def shortest_string(text: str) -> str:
    """The shortest spelling of a plain (not f-) string or bytes literal token."""
    prefix = _STRING_PREFIX.match(text).group(1).lower()  # type: ignore[union-attr]
    if "f" in prefix:
        return text
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return _pick(text, value, [repr(value)])


def merged_string(parts: list[str]) -> str | None:
    """One literal for an implicit concatenation of plain literals, or None."""
    values = []
    for part in parts:
        if "f" in _STRING_PREFIX.match(part).group(1).lower():  # type: ignore[union-attr]
            return None
        try:
            values.append(ast.literal_eval(part))
        except (ValueError, SyntaxError):
            return None
    if len({type(v) for v in values}) != 1:
        return None
    value = values[0][:0].join(values)
    spelling = repr(value)
    return spelling if _same(spelling, value) else None
