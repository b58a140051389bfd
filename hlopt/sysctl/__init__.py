"""``hlopt sysctl``: audit and tune the Linux host for high load, safely.

The command's API is ``Options`` and ``run(options) -> Report``. The knob table is data
(``knobs``); ``backend`` reads and writes keys under /proc/sys or a captured tree;
``hostchecks`` looks beyond sysctl; ``apply`` and ``state`` write and restore;
``sysctld`` renders a sysctl.d file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hlopt.core.lazy import lazy_exports

if TYPE_CHECKING:
    from hlopt.sysctl.engine import run
    from hlopt.sysctl.options import Options

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {
    "Options": "hlopt.sysctl.options",
    "run": "hlopt.sysctl.engine",
})


__all__ = ["Options", "run"]
