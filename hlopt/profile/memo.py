"""Would a cache pay? A second, traced run counts the hot functions' calls and arguments.

The first pass says which functions are hot; this pass runs the program again with the
child runner tracing only those functions (``sys.monitoring`` on 3.12+, a profile hook on
3.11) and measures, per function, the calls, the distinct hashable argument tuples, the
hit rate of an unbounded cache and of ``functools.lru_cache`` at a few sizes, and the
average size of a key and of a result, from which the cache's memory is estimated.
"""

from __future__ import annotations

import ast
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.profile.engines.launch import launch, read_status, runner_command
from hlopt.profile.hotspots import HotFunction
from hlopt.profile.model import FunctionId, function_node
from hlopt.profile.options import Options
from hlopt.profile.target import Target

#: lru_cache sizes simulated in the traced run
SIZES = (32, 128, 512, 2048, 8192)
#: advice needs at least this many calls, this hit rate and this share of the run
MIN_CALLS = 1000
MIN_HIT_RATE = 0.5
MIN_TOTAL_SHARE = 0.02
#: functions traced at most
MAX_TRACED = 8
#: bytes of one lru_cache entry besides its key and result: the 4-slot link list (88),
#: its dict slot (~40) and the key wrapper (_HashedSeq, ~64)
ENTRY_OVERHEAD = 192


@dataclass
class MemoStats:
    """What the traced run measured for one function."""

    calls: int
    distinct: int
    unhashable: int
    hits: int
    lru_hits: dict[int, int]
    key_bytes: float
    result_bytes: float
    truncated: bool = False
    arg_types: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.calls if self.calls else 0.0

    def best_size(self) -> tuple[int | None, float]:
        """The smallest simulated maxsize within a point of the unbounded hit rate."""
        if not self.hits:
            return None, 0.0
        for size in sorted(self.lru_hits):
            rate = self.lru_hits[size] / self.calls if self.calls else 0.0
            if rate >= self.hit_rate - 0.01:
                return size, rate
        return None, self.hit_rate

    def memory(self, maxsize: int | None) -> int:
        entries = self.distinct if maxsize is None else min(self.distinct, maxsize)
        return int(entries * (ENTRY_OVERHEAD + self.key_bytes + self.result_bytes))

    def sentence(self) -> str:
        """``lru_cache(maxsize=512) would serve 97% of 1.2M calls, about 40 KB``."""
        size, rate = self.best_size()
        return (f"lru_cache(maxsize={size}) would serve {_pct(rate)} of "
                f"{human_count(self.calls)} calls, about {human_bytes(self.memory(size))}")

    def to_dict(self) -> dict[str, Any]:
        size, rate = self.best_size()
        return {"calls": self.calls, "distinct_args": self.distinct,
                "unhashable_calls": self.unhashable, "hit_rate": round(self.hit_rate, 4),
                "maxsize": size, "maxsize_hit_rate": round(rate, 4),
                "memory_bytes": self.memory(size),
                "lru_hit_rates": {str(k): round(v / self.calls, 4) if self.calls else 0.0
                                  for k, v in sorted(self.lru_hits.items())},
                "truncated": self.truncated, "arg_types": self.arg_types}


def pick(ranked: list[HotFunction]) -> list[HotFunction]:
    """The hot user functions worth tracing: by total share, not generators or coroutines."""
    chosen = []
    for h in sorted(ranked, key=lambda h: -h.total_share):
        fid = h.fid
        if h.total_share < MIN_TOTAL_SHARE or len(chosen) >= MAX_TRACED:
            break
        if fid.scope != "user" or not fid.is_python or fid.name.startswith("<"):
            continue
        node = function_node(fid)
        if node is None or isinstance(node, ast.AsyncFunctionDef) or _is_generator(node):
            continue
        chosen.append(h)
    return chosen


def measure(options: Options, target: Target, picks: list[HotFunction], workdir: Path,
            first_wall: float) -> tuple[dict[FunctionId, MemoStats], str]:
    """Run the traced pass; returns the stats per function and a one-line note."""
    out, status_path = workdir / "memo.json", workdir / "memo-status.json"
    spec = {"mode": "memo", "target": target.runner_target(), "status": str(status_path),
            "out": str(out), "sizes": list(SIZES),
            "functions": [_spec(h.fid) for h in picks]}
    limit = options.duration or max(30.0, 5.0 * first_wall)
    launched = launch(runner_command(target, spec, workdir), duration=limit,
                      cwd=options.cwd, stdin_devnull=True)
    if not out.is_file():
        status = read_status(status_path) or {}
        return {}, f"memo pass wrote no result (exit status {launched.returncode}, " \
                   f"{status.get('exception') or 'no exception'})"
    data = json.loads(out.read_text(encoding="utf-8"))
    stats = {h.fid: _stats(d) for h, d in zip(picks, data["functions"], strict=True)}
    stopped = " (stopped early: partial counts)" if launched.stopped else ""
    return stats, (f"memo pass: traced {len(picks)} function(s) with {data['backend']} in "
                   f"{launched.wall_s:.2f} s{stopped}")


def fires(h: HotFunction, stats: MemoStats | None) -> bool:
    """Whether memoization advice is warranted by the measurement."""
    return (stats is not None and stats.calls >= MIN_CALLS
            and stats.best_size()[1] >= MIN_HIT_RATE and h.total_share >= MIN_TOTAL_SHARE)


def _spec(fid: FunctionId) -> dict[str, Any]:
    lo, hi = fid.first_lines if fid.first_lines != (0, 0) else (fid.line, fid.line)
    return {"file": os.path.realpath(fid.file), "name": fid.name, "lo": lo, "hi": hi,
            "qualname": fid.qualname}


def _stats(d: dict[str, Any]) -> MemoStats:
    return MemoStats(
        calls=int(d["calls"]), distinct=int(d["distinct"]), unhashable=int(d["unhashable"]),
        hits=int(d["hits"]), lru_hits={int(k): int(v) for k, v in d["lru_hits"].items()},
        key_bytes=float(d["key_bytes"]), result_bytes=float(d["result_bytes"]),
        truncated=bool(d["truncated"]), arg_types=d.get("arg_types") or {})


def _is_generator(node: ast.FunctionDef) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Yield | ast.YieldFrom) and child is not node:
            return True
    return False


def _pct(rate: float) -> str:
    """A hit rate that never rounds up to 100% (99.996% is "99.99%")."""
    if rate >= 1:
        return "100%"
    if rate >= 0.99:
        return f"{math.floor(rate * 10000) / 100:.2f}%"
    return f"{math.floor(rate * 100):.0f}%" if rate >= 0.1 else f"{rate:.1%}"


def human_count(n: float) -> str:
    """1234567 -> ``1.2M``."""
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            return f"{n / div:.1f}{unit}"
    return str(int(n))


def human_bytes(n: float) -> str:
    """40960 -> ``40 KB``."""
    for div, unit in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")):
        if n >= div:
            return f"{n / div:.0f} {unit}" if n / div >= 10 else f"{n / div:.1f} {unit}"
    return f"{int(n)} B"
