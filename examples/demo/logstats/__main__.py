"""Aggregate a synthetic day of access logs: ``python -m logstats [--lines N]``."""

from __future__ import annotations

import argparse
import random

from logstats.metrics import count_spikes, percentile
from logstats.parse import by_endpoint

PATHS = ("/api/orders", "/api/users", "/api/search", "/health")
#: the spike detectors an operator tunes: (smoothing, threshold)
DETECTORS = [(alpha, factor) for alpha in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
             for factor in (1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0)]


def synthetic_log(lines: int, seed: int = 7) -> list[str]:
    """Access-log lines with log-normal latencies and a few slow bursts."""
    rng = random.Random(seed)
    out = []
    for i in range(lines):
        path = PATHS[i % len(PATHS)]
        latency = rng.lognormvariate(3.0, 0.4) * (8.0 if i % 5000 < 40 else 1.0)
        status = 500 if latency > 200 else 200
        out.append(f"ts={1700000000 + i} method=GET path={path} latency_ms={latency:.3f} "
                   f"status={status}")
    return out


def report(latencies: dict[str, list[float]]) -> list[str]:
    rows = []
    for path, values in sorted(latencies.items()):
        spikes = [count_spikes(values, a, f) for a, f in DETECTORS]
        rows.append(f"{path:12} n={len(values):6} p50={percentile(values, 50):7.2f} "
                    f"p99={percentile(values, 99):7.2f} spikes(min..max)={min(spikes)}..{max(spikes)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="logstats")
    parser.add_argument("--lines", type=int, default=60_000)
    args = parser.parse_args()
    for row in report(by_endpoint(synthetic_log(args.lines))):
        print(row)


if __name__ == "__main__":
    main()
