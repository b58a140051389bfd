"""core.lazy: a package's public names load on first read, once."""

from __future__ import annotations

import sys
import types

import pytest

from hlopt.core.lazy import lazy_exports


def test_lazy_exports_loads_on_first_read_and_caches() -> None:
    pkg = types.ModuleType("hl_lazy_pkg")
    pkg.__getattr__ = lazy_exports("hl_lazy_pkg", {"dumps": "json", "sqrt": "math"})
    sys.modules["hl_lazy_pkg"] = pkg
    try:
        import json
        import math

        assert pkg.dumps is json.dumps
        assert pkg.sqrt is math.sqrt
        assert "dumps" in vars(pkg)  # bound on the module: the hook is not asked again
        with pytest.raises(AttributeError, match="has no attribute 'nope'"):
            pkg.nope  # noqa: B018
    finally:
        del sys.modules["hl_lazy_pkg"]


def test_command_packages_export_their_api() -> None:
    import hlopt.compress
    import hlopt.debloat
    import hlopt.mutate
    import hlopt.nativize
    import hlopt.sysctl

    for pkg in (hlopt.compress, hlopt.debloat, hlopt.mutate, hlopt.nativize, hlopt.sysctl):
        for name in pkg.__all__:
            assert getattr(pkg, name) is not None, (pkg.__name__, name)
