"""Robust statistics for benchmark samples: medians, spread, bootstrap ratio CIs, verdicts.

The method (documented in docs/bench.md): each round gives one *paired* before/after
measurement taken back to back in fresh processes, so the per-round ratio ``after/before``
cancels machine drift. The ratio reported is the median of the per-round ratios (computed
on log ratios), its 95% confidence interval comes from a percentile bootstrap over rounds,
and a difference is *significant* only when the interval excludes 1.0 and the ratio is
beyond a noise floor. Unpaired comparisons (against a saved baseline) use the ratio of
medians and resample both sides independently.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: bootstrap resamples; 2000 puts the 2.5% and 97.5% percentiles on stable ground
RESAMPLES = 2000
CONFIDENCE = 0.95
#: below this many rounds the bootstrap is replaced by the full range of the ratios:
#: with 5 pairs, all five on one side happens by chance 2/2**5 = 6% of the time
MIN_BOOTSTRAP_ROUNDS = 6
#: significance level of the sign test and the Mann-Whitney test
ALPHA = 0.05
#: log-ratio spread under which samples count as exactly repeatable (deterministic counts)
EXACT = 1e-9


def median(values: Sequence[float]) -> float:
    """The median (mean of the middle two for an even count)."""
    if not values:
        raise ValueError("median of no values")
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default, pytest-benchmark's q1/q3 differ)."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median (not scaled to a normal sigma)."""
    m = median(values)
    return median([abs(v - m) for v in values])


@dataclass(frozen=True)
class Summary:
    """Location and spread of one side's samples."""

    n: int
    median: float
    mad: float
    q1: float
    q3: float
    min: float
    max: float

    @property
    def rel_spread(self) -> float:
        """MAD relative to the median (0.01 = 1%)."""
        return self.mad / self.median if self.median else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"n": self.n, "median": self.median, "mad": self.mad, "q1": self.q1,
                "q3": self.q3, "min": self.min, "max": self.max}


def summarize(values: Sequence[float]) -> Summary:
    return Summary(len(values), median(values), mad(values), quantile(values, 0.25),
                   quantile(values, 0.75), min(values), max(values))


@dataclass(frozen=True)
class Estimate:
    """A ratio ``after / before`` with its confidence interval and verdict."""

    ratio: float
    ci: tuple[float, float] | None
    paired: bool
    #: two-sided p-value: exact sign test of the per-round ratios (paired), or
    #: Mann-Whitney U (unpaired, normal approximation)
    p_value: float | None
    #: "slower" (after is larger), "faster", "same" or "inconclusive"
    verdict: str = "inconclusive"

    @property
    def significant(self) -> bool | None:
        if self.verdict == "inconclusive":
            return None
        return self.verdict != "same"


def paired_ratio(before: Sequence[float], after: Sequence[float], *, floor: float,
                 seed: int = 0) -> Estimate:
    """Median of per-round ratios with a bootstrap CI over rounds (pairs kept together).

    Significant needs all three: the CI excludes 1.0, the exact sign test of the
    per-round ratios agrees (p < ALPHA; it guards the bootstrap of a median, which is
    too narrow for a handful of rounds), and the ratio is beyond the noise floor.
    Ratios that repeat exactly (instruction counts) have no sampling error: their CI is
    the ratio itself.
    """
    if len(before) != len(after) or not before:
        raise ValueError("paired samples need the same, non-zero number of rounds")
    if min(before) <= 0 or min(after) <= 0:
        return _no_ratio(before, after, paired=True)
    logs = [math.log(a / b) for b, a in zip(before, after, strict=True)]
    ratio = math.exp(median(logs))
    p = sign_test(logs)
    if len(logs) >= 2 and max(logs) - min(logs) <= EXACT:
        return Estimate(ratio, (ratio, ratio), True, p, verdict(ratio, (ratio, ratio), floor))
    if len(logs) < MIN_BOOTSTRAP_ROUNDS:
        ci = (math.exp(min(logs)), math.exp(max(logs))) if len(logs) > 1 else None
    else:
        lo, hi = _bootstrap(lambda rng: median(_resample(rng, logs)), seed)
        ci = (math.exp(lo), math.exp(hi))
    word = verdict(ratio, ci, floor) if p < ALPHA else ("same" if ci else "inconclusive")
    return Estimate(ratio, ci, True, p, word)


def unpaired_ratio(before: Sequence[float], after: Sequence[float], *, floor: float,
                   seed: int = 0) -> Estimate:
    """Ratio of medians with both sides resampled independently (a saved baseline).

    Significant needs the bootstrap CI to exclude 1.0, a Mann-Whitney U test to agree
    (p < ALPHA) and the ratio to be beyond the noise floor.
    """
    if min(before) <= 0 or min(after) <= 0:
        return _no_ratio(before, after, paired=False)
    ratio = median(after) / median(before)
    p = mann_whitney(before, after)
    if min(len(before), len(after)) < MIN_BOOTSTRAP_ROUNDS:
        ci = (min(after) / max(before), max(after) / min(before))
        if len(before) == len(after) == 1:
            return Estimate(ratio, None, False, None)
    else:
        lo, hi = _bootstrap(lambda rng: math.log(median(_resample(rng, after))
                                                 / median(_resample(rng, before))), seed)
        ci = (math.exp(lo), math.exp(hi))
    exact = max(before) - min(before) <= EXACT * min(before) and \
        max(after) - min(after) <= EXACT * min(after)
    word = verdict(ratio, ci, floor) if exact or p < ALPHA else "same"
    return Estimate(ratio, ci, False, p, word)


def _no_ratio(before: Sequence[float], after: Sequence[float], *, paired: bool) -> Estimate:
    """A zero reading (a CPU time below the clock's tick) leaves no ratio to judge."""
    b = median(before)
    return Estimate(median(after) / b if b > 0 else math.nan, None, paired, None)


def _resample(rng: random.Random, values: Sequence[float]) -> list[float]:
    n = len(values)
    return [values[rng.randrange(n)] for _ in range(n)]


def _bootstrap(statistic: Callable[[random.Random], float], seed: int) -> tuple[float, float]:
    """Percentile interval of ``statistic(rng)`` over RESAMPLES draws (seeded: reproducible)."""
    rng = random.Random(seed)
    draws = sorted(statistic(rng) for _ in range(RESAMPLES))
    tail = (1 - CONFIDENCE) / 2
    return quantile(draws, tail), quantile(draws, 1 - tail)


def verdict(ratio: float, ci: tuple[float, float] | None, floor: float) -> str:
    """slower/faster when the CI excludes 1.0 and the ratio is beyond the noise floor."""
    if ci is None:
        return "inconclusive"
    if ci[0] > 1.0 and ratio > 1.0 + floor:
        return "slower"
    if ci[1] < 1.0 and ratio < 1.0 - floor:
        return "faster"
    return "same"


def sign_test(logs: Sequence[float]) -> float:
    """Exact two-sided sign test of "ratios above 1 as often as below" (ties dropped)."""
    up = sum(1 for v in logs if v > 0)
    down = sum(1 for v in logs if v < 0)
    n = up + down
    if n == 0:
        return 1.0
    k = min(up, down)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def mann_whitney(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value (normal approximation with tie correction)."""
    n1, n2 = len(xs), len(ys)
    ranked = sorted([(v, 0) for v in xs] + [(v, 1) for v in ys])
    ranks: list[float] = [0.0] * len(ranked)
    ties = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    r1 = sum(r for r, (_, side) in zip(ranks, ranked, strict=True) if side == 0)
    u = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if var <= 0:
        return 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))
