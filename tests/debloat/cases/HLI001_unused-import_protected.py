# flags: --select HLI
"""Nothing here may be removed by --fix: every import is used, kept on purpose, or a probe."""
from __future__ import annotations

import readline
import rlcompleter
import icons_rc
import os  # noqa: F401
import shutil  # noqa: HLI001
import glob as glob
from tkinter import *
from typing import TYPE_CHECKING, cast
from json import dumps, loads
from . import sibling

__all__ = ["dumps", "Reader", "sibling"]

if TYPE_CHECKING:
    from decimal import Decimal
    from fractions import Fraction
    from numbers import Real
    from io import StringIO

try:
    import zlib  # expect: HLI001
except ImportError:
    zlib_missing = True

try:
    import bz2
except ImportError:
    bz2 = None


class Reader:
    def read(self, x: "list[Decimal]") -> "Fraction | None":
        value = cast("Real", x)
        buffer = None  # type: StringIO
        return value or buffer or loads or bz2


def uses_global():
    global pathlib
    import pathlib
