"""``hlopt bench``: before/after benchmarks that hold on a noisy machine and in CI.

The command's API is ``Options`` and ``run(options) -> Report``. Other commands
(nativize, profile) measure through :func:`compare`, the one measuring engine of hlopt:
interleaved paired rounds in fresh processes, bootstrap confidence intervals, and a
verdict that says "no significant difference" rather than inventing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# eager: the submodule ``compare`` would otherwise shadow the function of the same name
from hlopt.bench.compare import compare
from hlopt.bench.model import (
    CallableSpec,
    CommandSpec,
    Comparison,
    Options,
    Result,
    SuiteSpec,
    parse_fraction,
)
from hlopt.core.lazy import lazy_exports

if TYPE_CHECKING:
    from hlopt.bench.engine import run

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {"run": "hlopt.bench.engine"})

__all__ = ["CallableSpec", "CommandSpec", "Comparison", "Options", "Result", "SuiteSpec",
           "compare", "parse_fraction", "run"]
