"""Confirm a suspicious pattern by running it: attack strings of growing length, timed.

Every match runs in the ``regex`` module with its ``timeout=`` argument, so no pattern can
hang hlopt; lengths double from 16 and stop at the first timeout, and one pattern's whole
confirmation stops once ``budget_s`` of CPU time is spent. Times are the process's CPU
time, so a loaded machine does not make a pattern look slow, and a step that times out or
looks super-linear is run again: only a repeated result counts. A pattern is confirmed when
a match timed out, or when the time of the longest string is at least ``MIN_SLOW_S`` and
grew at least ``SUPERLINEAR`` times when the length doubled (a linear matcher grows 2x).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from hlopt.debloat.regex_redos import SUFFIXES, Attack

#: attack string lengths, doubled until a match times out
LENGTHS: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)
#: one match's timeout (the regex module checks it every so often: it may run ~2x longer)
MATCH_TIMEOUT_S = 0.05
#: what one pattern's confirmation may spend in all
BUDGET_S = 0.6
MIN_SLOW_S = 0.005
SUPERLINEAR = 3.0


@dataclass(frozen=True)
class Step:
    """One timed match of an attack string."""

    length: int
    seconds: float
    timed_out: bool

    def to_dict(self) -> dict[str, Any]:
        return {"length": self.length, "seconds": round(self.seconds, 6),
                "timed_out": self.timed_out}

    def text(self) -> str:
        if self.timed_out:
            return f"{self.length} chars timeout ({MATCH_TIMEOUT_S:g} s)"
        return f"{self.length} chars {_ms(self.seconds)}"


@dataclass
class Growth:
    """The measured growth of one attack (``steps``) and the verdict."""

    attack: Attack
    suffix: str
    mode: str
    steps: list[Step] = field(default_factory=list)
    #: why the pattern could not be run ("" when it ran)
    error: str = ""

    @property
    def confirmed(self) -> bool:
        if any(s.timed_out for s in self.steps):
            return True
        if len(self.steps) < 2:
            return False
        a, b = self.steps[-2], self.steps[-1]
        return b.seconds >= MIN_SLOW_S and b.seconds >= SUPERLINEAR * max(a.seconds, 1e-9)

    def summary(self, last: int = 4) -> str:
        return ", ".join(s.text() for s in self.steps[-last:])

    def to_dict(self) -> dict[str, Any]:
        return {**self.attack.to_dict(), "suffix": self.suffix, "mode": self.mode,
                "confirmed": self.confirmed, "steps": [s.to_dict() for s in self.steps],
                "error": self.error or None}


def confirm(pattern: str | bytes, flags: int, attacks: list[Attack], mode: str = "search",
            budget_s: float = BUDGET_S) -> Growth | None:
    """The growth of the worst attack (confirmed ones first); None when there is none."""
    deadline = _clock() + budget_s
    results = []
    for attack in attacks:
        if _clock() >= deadline:
            break
        g = measure(pattern, flags, attack, mode, deadline)
        results.append(g)
        if g.confirmed:
            return g
    return max(results, key=lambda g: g.steps[-1].seconds if g.steps else 0.0, default=None)


def measure(pattern: str | bytes, flags: int, attack: Attack, mode: str,
            deadline: float) -> Growth:
    """Time the attack at growing lengths until a timeout or the deadline."""
    import regex

    try:
        compiled = regex.compile(pattern, flags)
    except (regex.error, TypeError, ValueError, OverflowError) as exc:
        return Growth(attack, "", mode, error=f"the regex module cannot compile it: {exc}")
    run = getattr(compiled, mode)
    suffix = _worst_suffix(run, attack, isinstance(pattern, bytes))
    growth = Growth(attack, suffix, mode)
    for n in LENGTHS:
        if _clock() >= deadline:
            break
        step = _time_one(run, _subject(attack, suffix, n, isinstance(pattern, bytes)), n)
        if _suspicious(growth.steps, step):  # noise is rare twice in a row
            again = _time_one(run, _subject(attack, suffix, n, isinstance(pattern, bytes)), n)
            step = min(step, again, key=lambda s: (s.timed_out, s.seconds))
        growth.steps.append(step)
        if step.timed_out:
            break
    return growth


def _suspicious(steps: list[Step], step: Step) -> bool:
    if step.timed_out:
        return True
    prev = steps[-1].seconds if steps else 0.0
    return step.seconds >= MIN_SLOW_S and step.seconds >= SUPERLINEAR * max(prev, 1e-9)


def _clock() -> float:
    """CPU time of this process: what matching costs, whatever else the machine runs."""
    return time.process_time()


def _worst_suffix(run: Any, attack: Attack, is_bytes: bool) -> str:
    """The suffix that makes a 512-char attack slowest (the one that forces a failure)."""
    best, worst = SUFFIXES[0], -1.0
    for suffix in SUFFIXES:
        step = _time_one(run, _subject(attack, suffix, 512, is_bytes), 512, 0.01)
        if step.seconds > worst:
            best, worst = suffix, step.seconds
        if step.timed_out:
            break
    return best


def _subject(attack: Attack, suffix: str, n: int, is_bytes: bool) -> str | bytes:
    room = max(n - len(attack.prefix) - len(suffix), len(attack.pump))
    text = attack.prefix + attack.pump * max(room // len(attack.pump), 1) + suffix
    return text.encode("latin-1", "replace") if is_bytes else text


def _time_one(run: Any, subject: str | bytes, n: int,
              timeout: float = MATCH_TIMEOUT_S) -> Step:
    start = _clock()
    try:
        run(subject, timeout=timeout)
    except TimeoutError:
        # the timeout is wall time: on a busy machine it may fire early; the CPU time says
        return Step(n, _clock() - start, _clock() - start >= timeout / 2)
    except Exception:  # a pattern the engine rejects at match time: no growth measured
        return Step(n, 0.0, False)
    return Step(n, _clock() - start, False)


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"
