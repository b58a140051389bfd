"""``hlopt nativize``: a hot Python function becomes a verified, measured native extension.

The command's API is ``Options`` and ``run(options) -> Report``. The pipeline
(``engine``) selects the function, analyses it, records sample calls, infers types,
generates a backend's source, builds it, verifies it against the Python function,
measures it and, with ``apply``, installs it behind a marked shim (``install``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hlopt.core.lazy import lazy_exports

if TYPE_CHECKING:
    from hlopt.nativize.engine import run
    from hlopt.nativize.options import Options

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {
    "Options": "hlopt.nativize.options",
    "run": "hlopt.nativize.engine",
})


__all__ = ["Options", "run"]
