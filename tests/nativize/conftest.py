"""Fixtures the nativize tests share; this folder goes on sys.path so the tests import its
helper modules (``_backend_cases``, ``_rule_checks``, ``_runtime_ext``) by name (the suite
runs with ``--import-mode=importlib``, which adds no test folder to sys.path)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def no_path_compiler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PATH with no cc, gcc or clang (an empty folder, returned), and no $CC."""
    from hlopt.nativize import build

    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CC", raising=False)
    build.describe.cache_clear()
    yield empty
    build.describe.cache_clear()  # the next test sees the machine's own compilers
