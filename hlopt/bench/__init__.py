"""``hlopt bench``: before/after benchmarks that hold on a noisy machine and in CI.

The command's API is ``Options`` and ``run(options) -> Report``. Other commands
(nativize, profile) measure through :func:`compare`, the one measuring engine of hlopt:
interleaved paired rounds in fresh processes, bootstrap confidence intervals, and a
verdict that says "no significant difference" rather than inventing one.
"""

from __future__ import annotations

from hlopt.bench.compare import compare
from hlopt.bench.engine import run
from hlopt.bench.model import (
    CallableSpec,
    CommandSpec,
    Comparison,
    Options,
    Result,
    SuiteSpec,
    parse_fraction,
)

__all__ = ["CallableSpec", "CommandSpec", "Comparison", "Options", "Result", "SuiteSpec",
           "compare", "parse_fraction", "run"]
