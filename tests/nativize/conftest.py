"""Fixtures the nativize tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


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
