"""Reduction over list[float]: mean and population variance."""

import random

__all__ = ["mean_variance"]


def mean_variance(xs):
    n = len(xs)
    if n == 0:
        raise ValueError("mean_variance() of an empty list")
    mean = sum(xs) / n
    ss = 0.0
    for x in xs:
        d = x - mean
        ss += d * d
    return mean, ss / n


def inputs():
    rng = random.Random(4)
    big = [rng.gauss(100.0, 15.0) for _ in range(10000)]
    return [(big,), ([1.0],), ([-0.0, 0.0],), ([1e300, -1e300, 3.5],),
            ([rng.uniform(-1, 1) for _ in range(37)],)]
