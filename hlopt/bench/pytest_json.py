"""Read and write pytest-benchmark's JSON format (``--benchmark-json``), data included.

Stats are recomputed from the raw per-round data with pytest-benchmark's own formulas
(its ``Stats`` class: Wikipedia's quartile methods 2 and 3, Tukey fences), so a file we
write reads back in ``pytest-benchmark compare`` with the figures it would have printed.
"""

from __future__ import annotations

import json
import platform
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hlopt.core.errors import InputError
from hlopt.core.files import read_json

if TYPE_CHECKING:
    from hlopt.bench.model import Result

#: the pytest-benchmark JSON layout we read and write (its 3.x-5.x files agree)
FORMAT_VERSION = "5.1.0"


@dataclass(frozen=True)
class PytestBenchmark:
    """One benchmark of a pytest-benchmark file; ``data`` holds seconds per iteration."""

    name: str
    fullname: str
    stats: Mapping[str, Any]
    data: tuple[float, ...] | None = None
    group: str | None = None
    params: Mapping[str, Any] | None = None
    param: str | None = None
    extra_info: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    iterations: int = 1

    @property
    def samples(self) -> tuple[float, ...]:
        """The raw data, or the median alone when the file was saved without data."""
        return self.data if self.data else (float(self.stats["median"]),)

    def to_dict(self) -> dict[str, Any]:
        stats = dict(self.stats)
        if self.data:
            stats["data"] = list(self.data)
        stats["iterations"] = self.iterations
        return {"group": self.group, "name": self.name, "fullname": self.fullname,
                "params": self.params, "param": self.param,
                "extra_info": dict(self.extra_info), "options": dict(self.options),
                "stats": stats}


def is_pytest_json(doc: Mapping[str, Any]) -> bool:
    """True for a pytest-benchmark document (not an hlopt report)."""
    return isinstance(doc.get("benchmarks"), list) and "schema_version" not in doc


def read_pytest_json(path: Path) -> list[PytestBenchmark]:
    """The benchmarks of a pytest-benchmark JSON file; InputError when it is not one."""
    doc = read_json(path, hint="write one with `pytest --benchmark-json=FILE`")
    if not isinstance(doc, dict) or not is_pytest_json(doc):
        raise InputError(f"{path}: not a pytest-benchmark JSON file (no 'benchmarks' list)",
                         hint="write one with `pytest --benchmark-json=FILE`")
    return [from_dict(b, path) for b in doc["benchmarks"]]


def from_dict(bench: Mapping[str, Any], path: Path) -> PytestBenchmark:
    try:
        stats = bench["stats"]
        data = stats.get("data")
        return PytestBenchmark(
            name=str(bench["name"]), fullname=str(bench.get("fullname", bench["name"])),
            stats={k: v for k, v in stats.items() if k != "data"},
            data=tuple(float(v) for v in data) if data else None,
            group=bench.get("group"), params=bench.get("params"), param=bench.get("param"),
            extra_info=bench.get("extra_info") or {}, options=bench.get("options") or {},
            iterations=int(stats.get("iterations", 1)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: malformed benchmark entry ({exc!r})") from None


def write_pytest_json(path: Path, benches: Sequence[PytestBenchmark]) -> None:
    """Write ``benches`` as a pytest-benchmark JSON document."""
    doc = {"machine_info": machine_info(), "commit_info": {},
           "benchmarks": [b.to_dict() for b in benches],
           "datetime": datetime.now(UTC).isoformat(), "version": FORMAT_VERSION}
    path.write_text(json.dumps(doc, indent=4) + "\n", encoding="utf-8")


def machine_info() -> dict[str, Any]:
    """The fields of pytest-benchmark's ``machine_info`` that the standard library knows."""
    uname = platform.uname()
    return {"node": uname.node, "processor": uname.processor, "machine": uname.machine,
            "python_compiler": platform.python_compiler(),
            "python_implementation": platform.python_implementation(),
            "python_implementation_version": platform.python_version(),
            "python_version": platform.python_version(),
            "python_build": list(platform.python_build()),
            "release": uname.release, "system": uname.system, "cpu": {}}


def compute_stats(data: Sequence[float]) -> dict[str, Any]:
    """pytest-benchmark's ``Stats.as_dict()`` for ``data`` (same formulas, same keys)."""
    s = sorted(data)
    n = len(s)
    mean = statistics.mean(s)
    stddev = statistics.stdev(s) if n > 1 else 0
    q1, q3 = _quartiles(s)
    iqr = q3 - q1
    total = sum(data)
    sd_out = sum(1 for v in s if v < mean - stddev or v > mean + stddev)
    iqr_out = sum(1 for v in s if v < q1 - 1.5 * iqr or v > q3 + 1.5 * iqr)
    return {
        "min": s[0], "max": s[-1], "mean": mean, "stddev": stddev, "rounds": n,
        "median": statistics.median(s), "iqr": iqr, "q1": q1, "q3": q3,
        "iqr_outliers": iqr_out, "stddev_outliers": sd_out,
        "outliers": f"{sd_out};{iqr_out}",
        "ld15iqr": s[0] if n == 1 else s[bisect_left(s, q1 - 1.5 * iqr)],
        "hd15iqr": s[0] if n == 1 else s[bisect_right(s, q3 + 1.5 * iqr) - 1],
        "ops": n / total if total else 0, "total": total,
    }


def _quartiles(s: Sequence[float]) -> tuple[float, float]:
    """Quartiles as pytest-benchmark computes them (Wikipedia methods 3 and 2)."""
    n = len(s)
    if n == 1:
        return s[0], s[0]
    if n % 2:
        k, r = n // 4, n % 4
        if r == 1:
            return (0.25 * s[k - 1] + 0.75 * s[k], 0.75 * s[3 * k] + 0.25 * s[3 * k + 1])
        return (0.75 * s[k] + 0.25 * s[k + 1], 0.25 * s[3 * k + 1] + 0.75 * s[3 * k + 2])
    return statistics.median(s[: n // 2]), statistics.median(s[n // 2:])


def from_samples(name: str, samples: Sequence[float], *, fullname: str | None = None,
                 extra_info: Mapping[str, Any] | None = None) -> PytestBenchmark:
    """A benchmark entry for hlopt's own per-round wall samples (seconds per call)."""
    data = tuple(samples)
    return PytestBenchmark(name=name, fullname=fullname or name, stats=compute_stats(data),
                           data=data, extra_info=dict(extra_info or {}),
                           options={"timer": "perf_counter", "disable_gc": False})


def from_results(results: Sequence[Result]) -> list[PytestBenchmark]:
    """pytest-benchmark entries for the wall-time results (the after side's samples)."""
    return [from_samples(r.benchmark, r.after, extra_info={"hlopt_rounds": len(r.after)})
            for r in results if r.metric == "wall"]
