"""Nested loops: matrix multiply on lists of lists of floats."""

import random

__all__ = ["matmul"]


def matmul(a, b):
    rows, inner, cols = len(a), len(b), len(b[0])
    result = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            s = 0.0
            for k in range(inner):
                s += a[i][k] * b[k][j]
            result[i][j] = s
    return result


def _matrix(rng, rows, cols):
    return [[rng.uniform(-1.0, 1.0) for _ in range(cols)] for _ in range(rows)]


def inputs():
    rng = random.Random(6)
    return [(_matrix(rng, 28, 28), _matrix(rng, 28, 28)), ([[2.0]], [[3.0]]),
            (_matrix(rng, 3, 5), _matrix(rng, 5, 2)), (_matrix(rng, 1, 7), _matrix(rng, 7, 1))]
