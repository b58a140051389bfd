"""``hlopt sysctl``: audit and tune the Linux host for high load, safely.

The command's API is ``Options`` and ``run(options) -> Report``. The knob table is data
(``knobs``); ``backend`` reads and writes keys under /proc/sys or a captured tree;
``hostchecks`` looks beyond sysctl; ``apply`` and ``state`` write and restore;
``sysctld`` renders a sysctl.d file.
"""

from __future__ import annotations

from hlopt.sysctl.engine import run
from hlopt.sysctl.options import Options

__all__ = ["Options", "run"]
