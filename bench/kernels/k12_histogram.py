"""Histogram binning of list[float] into equal-width bins."""

import random

__all__ = ["histogram"]


def histogram(xs, lo, hi, bins):
    counts = [0] * bins
    width = (hi - lo) / bins
    for x in xs:
        if lo <= x < hi:
            i = int((x - lo) / width)
            if i >= bins:
                i = bins - 1
            counts[i] += 1
    return counts


def inputs():
    rng = random.Random(12)
    big = [rng.gauss(0.0, 1.0) for _ in range(8000)]
    return [(big, -3.0, 3.0, 64), ([], 0.0, 1.0, 4), ([0.0, 1.0, 0.5, -0.0], 0.0, 1.0, 2),
            ([float("nan"), 0.25, 2.0], 0.0, 1.0, 3), (big[:200], -1.0, 1.0, 1)]
