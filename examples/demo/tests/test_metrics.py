"""logstats' own tests (the demo runs them before and after nativize)."""

from __future__ import annotations

from logstats.metrics import count_spikes, percentile
from logstats.parse import by_endpoint, parse_line


def test_count_spikes() -> None:
    assert count_spikes([], 0.1, 2.0) == 0
    assert count_spikes([10.0, 10.0, 50.0, 10.0], 0.5, 2.0) == 1
    assert count_spikes([10.0] * 5, 0.1, 1.0) == 0
    assert count_spikes([1.0, 2.0, 4.0, 8.0], 1.0, 1.5) == 3


def test_percentile() -> None:
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0


def test_parse() -> None:
    assert parse_line("ts=1 path=/a latency_ms=1.5 status=200") == ("/a", 1.5, 200)
    assert parse_line("garbage") is None
    assert by_endpoint(["path=/a latency_ms=2 status=200", "x"]) == {"/a": [2.0]}
