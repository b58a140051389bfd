"""k04_stats with the annotations a person adds (compiled by mypyc)."""


def mean_variance(xs: list[float]) -> tuple[float, float]:
    n = len(xs)
    if n == 0:
        raise ValueError("mean_variance() of an empty list")
    mean = sum(xs) / n
    ss = 0.0
    for x in xs:
        d = x - mean
        ss += d * d
    return mean, ss / n
