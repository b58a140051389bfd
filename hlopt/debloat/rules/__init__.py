"""Rule declarations of the debloat families, registered at import (one module per family)."""

from __future__ import annotations

from hlopt.debloat.rules import deadcode, deps, imports

__all__ = ["deadcode", "deps", "imports"]
