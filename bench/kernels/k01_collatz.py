"""Integer loop: the total number of Collatz steps of every start value below a limit."""

import random

__all__ = ["collatz_steps"]


def collatz_steps(limit):
    total = 0
    for n in range(1, limit):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        total += steps
    return total


def inputs():
    rng = random.Random(1)
    return [(400,), (1,), (2,), (28,), (rng.randint(50, 300),)]
