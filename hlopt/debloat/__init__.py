"""``hlopt debloat``: unused imports, dead code and unused dependencies, found and removed.

The command's API is ``Options`` and ``run(options) -> Report``; the engine scans files in
parallel (``engine``), and each rule family (``imports``, ``deadcode``, ``deps``) checks
the whole tree at once and fixes with libcst codemods (``codemods/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hlopt.core.lazy import lazy_exports

if TYPE_CHECKING:
    from hlopt.debloat.engine import run
    from hlopt.debloat.model import Options

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {
    "Options": "hlopt.debloat.model",
    "run": "hlopt.debloat.engine",
})


__all__ = ["Options", "run"]
