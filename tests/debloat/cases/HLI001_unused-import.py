# flags: --select HLI
"""Safe removals: module imports, private names, function-level and TYPE_CHECKING imports."""
from __future__ import annotations

import os  # expect: HLI001
import sys, glob, json  # expect: HLI001
import re; import string  # expect: HLI001
from collections import (
    OrderedDict,  # expect: HLI001
    # counters are used below
    Counter,
    deque,  # expect: HLI001
)
from typing import TYPE_CHECKING
from math import pi as _pi, tau as _tau  # expect: HLI001

__all__ = ["main"]

if TYPE_CHECKING:
    from decimal import Decimal  # expect: HLI001
    from fractions import Fraction

if sys.platform == "never":
    import shlex  # expect: HLI001
    shlex_loaded = True


def main(x: Fraction) -> object:
    import textwrap  # expect: HLI001
    import itertools
    return json.dumps([Counter(), _tau, string.digits, list(itertools.count(1, 1))[:0], x])
# output
# flags: --select HLI
"""Safe removals: module imports, private names, function-level and TYPE_CHECKING imports."""
from __future__ import annotations

import sys, json  # expect: HLI001
import string  # expect: HLI001
from collections import (
    # counters are used below
    Counter,
)
from typing import TYPE_CHECKING
from math import tau as _tau  # expect: HLI001

__all__ = ["main"]

if TYPE_CHECKING:
    from fractions import Fraction

if sys.platform == "never":
    shlex_loaded = True


def main(x: Fraction) -> object:
    import itertools
    return json.dumps([Counter(), _tau, string.digits, list(itertools.count(1, 1))[:0], x])
