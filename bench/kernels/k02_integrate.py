"""Float loop: the midpoint rule over a damped cosine (math calls in the loop)."""

import math

__all__ = ["integrate"]


def integrate(a, b, n):
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        x = a + (i + 0.5) * h
        total += math.exp(-x * x) * math.cos(3.0 * x)
    return total * h


def inputs():
    return [(-4.0, 4.0, 5000), (0.0, 1.0, 1), (0.0, 1.0, 10), (-1.5, 2.25, 333),
            (3.0, -3.0, 100), (0.0, 0.0, 7)]
