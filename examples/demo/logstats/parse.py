"""Parse access-log lines of the form ``ts=... method=GET path=/api latency_ms=12.5 status=200``."""

from __future__ import annotations

from collections import defaultdict


def parse_line(line: str) -> tuple[str, float, int] | None:
    """(path, latency in ms, status) of one line, or None for a line that is not a request."""
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    try:
        return fields["path"], float(fields["latency_ms"]), int(fields["status"])
    except (KeyError, ValueError):
        return None


def by_endpoint(lines: list[str]) -> dict[str, list[float]]:
    """Latencies per path, in log order; unparsable lines are skipped."""
    out: dict[str, list[float]] = defaultdict(list)
    for line in lines:
        parsed = parse_line(line)
        if parsed is not None:
            out[parsed[0]].append(parsed[1])
    return dict(out)
