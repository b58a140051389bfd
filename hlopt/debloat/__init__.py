"""``hlopt debloat``: unused imports, dead code and unused dependencies, found and removed.

The command's API is ``Options`` and ``run(options) -> Report``; the engine scans files in
parallel (``engine``), and each rule family (``imports``, ``deadcode``, ``deps``) checks
the whole tree at once and fixes with libcst codemods (``codemods/``).
"""

from __future__ import annotations

from hlopt.debloat.engine import run
from hlopt.debloat.model import Options

__all__ = ["Options", "run"]
