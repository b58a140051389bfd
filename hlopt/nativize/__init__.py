"""``hlopt nativize``: a hot Python function becomes a verified, measured native extension.

The command's API is ``Options`` and ``run(options) -> Report``. The pipeline
(``engine``) selects the function, analyses it, records sample calls, infers types,
generates a backend's source, builds it, verifies it against the Python function,
measures it and, with ``apply``, installs it behind a marked shim (``install``).
"""

from __future__ import annotations

from hlopt.nativize.engine import run
from hlopt.nativize.options import Options

__all__ = ["Options", "run"]
