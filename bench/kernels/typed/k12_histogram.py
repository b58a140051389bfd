"""k12_histogram with the annotations a person adds (compiled by mypyc)."""


def histogram(xs: list[float], lo: float, hi: float, bins: int) -> list[int]:
    counts = [0] * bins
    width = (hi - lo) / bins
    for x in xs:
        if lo <= x < hi:
            i = int((x - lo) / width)
            if i >= bins:
                i = bins - 1
            counts[i] += 1
    return counts
