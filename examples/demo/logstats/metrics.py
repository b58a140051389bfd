"""Latency statistics: percentiles, and spikes against a moving average."""

from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def count_spikes(latencies, alpha, factor):
    """How many requests took longer than ``factor`` times the moving average before them.

    The average starts at the first request's latency and is exponentially weighted:
    each later request moves it by ``alpha``.
    """
    avg = 0.0
    seen = 0
    spikes = 0
    for x in latencies:
        if seen == 0:
            avg = x
        else:
            if x > factor * avg:
                spikes += 1
            avg = alpha * x + (1.0 - alpha) * avg
        seen += 1
    return spikes
