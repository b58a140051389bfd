"""Lazy package attributes: a command's engine loads on first use, not when its rules do."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for ``package``: ``exports`` maps each public name
    to the module that defines it, imported the first time the name is read.

    The rule registry imports every ``hlopt.<command>.rules`` module, which imports the
    package first; without this, listing rules would load every engine (libcst, the bench
    statistics, ...) and ``hlopt debloat`` would pay for ``mutate`` and ``nativize``.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later reads skip this hook
        return value

    return __getattr__
