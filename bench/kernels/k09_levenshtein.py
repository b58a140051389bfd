"""Edit distance (Levenshtein) of two str, one row at a time."""

import random

__all__ = ["edit_distance"]


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
        prev = cur
    return prev[-1]


def _word(rng, n):
    return "".join(rng.choice("acgtACGT ñé") for _ in range(n))


def inputs():
    rng = random.Random(9)
    return [(_word(rng, 60), _word(rng, 55)), ("", ""), ("kitten", "sitting"),
            ("", "abc"), ("flaw", ""), ("naïve café", "naive cafe"), (_word(rng, 20), _word(rng, 31))]
