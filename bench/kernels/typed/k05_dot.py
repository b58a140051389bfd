"""k05_dot with the annotations a person adds (compiled by mypyc)."""


def dot(xs: list[float], ys: list[float]) -> float:
    total = 0.0
    for x, y in zip(xs, ys):  # noqa: B905 (the shorter list ends the sum)
        total += x * y
    return total
