"""Profile value specs (tuned's ``>N``/``<N``) and how a current value compares with one."""

from __future__ import annotations

from dataclasses import dataclass

RAISE, LOWER, EXACT, WIDEN = "raise", "lower", "exact", "widen"


def normalize(value: str) -> str:
    """Whitespace as sysctl prints it collapsed: ``"4096\\t131072"`` -> ``"4096 131072"``."""
    return " ".join(value.split())


@dataclass(frozen=True)
class Spec:
    """A profile's wish for one key: a mode and a value."""

    mode: str
    value: str

    @classmethod
    def parse(cls, text: str, kind: str) -> Spec:
        """``">65535"`` raise-only, ``"<30"`` lower-only, a range widens, else exact."""
        text = text.strip()
        if kind == "range":
            return cls(WIDEN, normalize(text))
        if text[:1] == ">":
            return cls(RAISE, normalize(text[1:]))
        if text[:1] == "<":
            return cls(LOWER, normalize(text[1:]))
        return cls(EXACT, normalize(text))

    def display(self) -> str:
        """How the table shows it: ``>= 65535``, ``<= 30``, ``= 1``, ``10000-65535 or wider``."""
        if self.mode == WIDEN:
            return f"{'-'.join(self.value.split())} or wider"
        return {RAISE: ">= ", LOWER: "<= ", EXACT: "= "}[self.mode] + self.value

    @property
    def is_raise_only(self) -> bool:
        return self.mode in (RAISE, WIDEN)


def _ints(value: str) -> list[int] | None:
    try:
        return [int(part) for part in value.split()]
    except ValueError:
        return None


def meets(spec: Spec, current: str, kind: str) -> bool:
    """True when ``current`` already satisfies ``spec``.

    Numbers compare element-wise (tcp_rmem's three numbers each at least the profile's);
    a value that does not parse as the kind expects never meets a numeric spec.
    """
    current = normalize(current)
    if kind == "word" or spec.mode == EXACT:
        return current == spec.value if kind == "word" else _ints(current) == _ints(spec.value)
    have, want = _ints(current), _ints(spec.value)
    if have is None or want is None or len(have) != len(want):
        return False
    if spec.mode == WIDEN:
        return have[0] <= want[0] and have[-1] >= want[-1]
    if spec.mode == RAISE:
        return all(h >= w for h, w in zip(have, want, strict=True))
    return all(h <= w for h, w in zip(have, want, strict=True))


def target(spec: Spec, current: str | None, kind: str) -> str:
    """The value to write: the profile's, but never lowering a raise-only key (and so on).

    A raise-only vector keeps each element the admin set higher; a range only widens.
    """
    have = _ints(current) if current is not None and kind != "word" else None
    want = _ints(spec.value)
    if have is None or want is None or len(have) != len(want) or spec.mode == EXACT:
        return spec.value
    if spec.mode == WIDEN:
        return f"{min(have[0], want[0])} {max(have[-1], want[-1])}"
    pick = max if spec.mode == RAISE else min
    return " ".join(str(pick(h, w)) for h, w in zip(have, want, strict=True))


def same(a: str | None, b: str | None) -> bool:
    """Equal after whitespace normalisation (what a read-back compares)."""
    if a is None or b is None:
        return a is b
    return normalize(a) == normalize(b)
