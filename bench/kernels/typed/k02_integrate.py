"""k02_integrate with the annotations a person adds (compiled by mypyc)."""

import math


def integrate(a: float, b: float, n: int) -> float:
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        x = a + (i + 0.5) * h
        total += math.exp(-x * x) * math.cos(3.0 * x)
    return total * h
