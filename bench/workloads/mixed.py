"""A mixed workload for `hlopt profile`: where does the time go, and what would fix it?

Five kinds of hot code, with a known order at every scale: a numeric hot loop (the most
time, and what `hlopt nativize` compiles), a regex-heavy function, JSON parsing, a sleep,
and a memoizable recursive function; plus `scramble`, called as often as `fib` but with
arguments that never repeat (memoization must not be advised for it).

    python bench/workloads/mixed.py [--scale 1.0]
"""

from __future__ import annotations

import json
import re
import sys
import time

WORD = re.compile(r"\b([a-z]+)ing\b")
TEXT = "the running dog was jumping over the sleeping cat while singing " * 40
RECORD = {"id": 1, "name": "widget", "tags": ["a", "b", "c"], "price": 9.99,
          "stock": {"warehouse": 12, "shop": 3}}


def numeric_loop(n):
    """Integer and float arithmetic in a loop: pure CPU in Python bytecode."""
    acc = 0
    x = 0.5
    for i in range(n):
        acc = (acc + i * i) % 1_000_003
        x = x * 1.000001 + (i & 7) * 0.25
    return acc + int(x)


def regex_heavy(rounds):
    """Find and rewrite words with a regular expression (time spent in `re`)."""
    found = 0
    for _ in range(rounds):
        found += len(WORD.findall(TEXT))
        WORD.sub(r"\1ed", TEXT)
    return found


def parse_json(rounds):
    """Parse JSON documents (time spent in `json`)."""
    blob = json.dumps([RECORD] * 50)
    total = 0
    for _ in range(rounds):
        total += len(json.loads(blob))
    return total


def fib(n):
    """Naive recursion: the same few arguments again and again."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def scramble(i):
    """A small function whose argument never repeats."""
    return (i * 2654435761) % 4294967296 ^ (i >> 3)


def unique_calls(n):
    total = 0
    for i in range(n):
        total ^= scramble(i)
    return total


def main(scale=1.0):
    numeric_loop(int(2_600_000 * scale))
    regex_heavy(int(260 * scale))
    parse_json(int(1_000 * scale))
    time.sleep(0.08 * scale)
    for _ in range(max(1, round(5 * scale))):
        fib(24)
    unique_calls(int(250_000 * scale))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(float(args[args.index("--scale") + 1]) if "--scale" in args else 1.0)
