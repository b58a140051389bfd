"""The hash that ties a native extension to the Python source it was generated from.

Every backend stamps ``__hlopt__["source_hash"] = source_hash(analysis)`` into the
generated module, and ``hlopt nativize --check`` recomputes it from the current source:
when they differ, the installed extension no longer matches its Python function.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hlopt.nativize.model import Analysis

#: bump when what is hashed changes, so old stamps read as stale rather than as equal
HASH_VERSION = "1"


def source_hash(analysis: Analysis) -> str:
    """A short hex digest of what the native code is compiled from.

    The function's own source, the same-module helpers compiled along, the constants
    whose values are baked in, and the imports the generated module repeats. Whitespace
    at line ends and trailing blank lines do not count; everything else does.
    """
    parts = [f"v{HASH_VERSION}", analysis.target.qualname, _norm(analysis.source)]
    parts += [f"helper {name}\n{_norm(src)}" for name, src in sorted(analysis.helpers.items())]
    parts += [f"const {name} = {value}" for name, value in sorted(analysis.constants.items())]
    parts += [f"import {line.strip()}" for line in sorted(analysis.imports)]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8"))
    return digest.hexdigest()[:16]


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())
