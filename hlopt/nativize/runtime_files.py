"""Where the runtime helpers of the C and Zig backends (native/hlopt_rt.*) are found.

A source checkout keeps them in the top-level ``native/`` folder; ``hlopt/_native`` is a
symlink to it, which setuptools ships as package data, so an installed wheel has them in
``hlopt/_native/``. The package's copy is looked up first (importlib.resources), the
checkout's ``native/`` folder second.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: the runtime's folder inside the hlopt package
PACKAGE_DIR = "_native"
#: the runtime's folder in a source checkout
REPO_DIR = Path(__file__).resolve().parents[2] / "native"


def runtime_file(name: str) -> Path:
    """The path of runtime file ``name``: the installed package's, else the checkout's."""
    packaged = _packaged(name)
    if packaged is not None:
        return packaged
    return REPO_DIR / name


def _packaged(name: str) -> Path | None:
    try:
        found = resources.files("hlopt") / PACKAGE_DIR / name
    except (ModuleNotFoundError, TypeError, ValueError):
        return None
    if not found.is_file():
        return None
    path = Path(str(found))
    return path if path.is_file() else None
