"""Rule declarations of the debloat families, registered at import (one module per family)."""

from __future__ import annotations

from hlopt.debloat.rules import async_calls, deadcode, deps, imports, regex, slow_patterns, startup

__all__ = ["async_calls", "deadcode", "deps", "imports", "regex", "slow_patterns", "startup"]
