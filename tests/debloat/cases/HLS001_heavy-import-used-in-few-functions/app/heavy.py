"""Slow to import: builds a table for about 50 ms (a stand-in for a big dependency)."""
import time

_start = time.perf_counter()
TABLE = []
while time.perf_counter() - _start < 0.05:
    TABLE.append(len(TABLE))


def score(x):
    return 2 * x
