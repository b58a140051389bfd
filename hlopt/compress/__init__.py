"""``hlopt compress``: smaller code to ship (minify, bundle) and to show a model (skeleton).

The command's API is ``Options`` and ``run(options) -> Report``. ``minify`` rewrites with
libcst only what is provably unobservable (``keep``, ``rename``), lays the result out in
the fewest characters (``layout``) and proves each file against an independent AST
checker (``verify``); ``skeleton`` keeps only the interface; ``bundle`` zips the minified
tree into a runnable ``.pyz``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hlopt.core.lazy import lazy_exports

if TYPE_CHECKING:
    from hlopt.compress.engine import run
    from hlopt.compress.model import Mode, Options

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {
    "Mode": "hlopt.compress.model",
    "Options": "hlopt.compress.model",
    "run": "hlopt.compress.engine",
})


__all__ = ["Mode", "Options", "run"]
