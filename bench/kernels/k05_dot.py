"""Reduction over two list[float]: the dot product."""

import random

__all__ = ["dot"]


def dot(xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):  # noqa: B905 (the shorter list ends the sum)
        total += x * y
    return total


def inputs():
    rng = random.Random(5)
    a = [rng.random() for _ in range(15000)]
    b = [rng.random() - 0.5 for _ in range(15000)]
    return [(a, b), ([], []), ([1.5], [-2.0]), ([-0.0], [0.0]),
            (a[:100], b[:50]), ([float("inf"), 1.0], [0.0, 2.0])]
