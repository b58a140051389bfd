"""Fixtures for the mutate tests: a small project whose tests are weak in known places."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

CALC = '''
def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


class Acc:
    def __init__(self):
        self.total = 0

    def add(self, n):
        self.total += n
        return self.total


class Child(Acc):
    def add(self, n):
        return super().add(n * 2)


def spin(n):
    i = 0
    while i < n:
        i += 1
    return i


def unused(a, b):
    return a * b
'''

TESTS = '''
from pkg.calc import Acc, Child, clamp, spin


def test_clamp():
    assert clamp(5, 0, 10) == 5
    assert clamp(-1, 0, 10) == 0


def test_acc():
    assert Acc().add(2) == 2


def test_child():
    assert Child().add(3) == 6


def test_spin():
    assert spin(3) == 3
'''


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def weak_project(tmp_path: Path) -> Path:
    """``pkg/calc.py`` and ``tests/test_calc.py``: clamp's boundaries and `unused` untested."""
    return write(tmp_path / "proj", {"pyproject.toml": "[project]\nname = 'proj'\n",
                                     "pkg/__init__.py": "", "pkg/calc.py": CALC,
                                     "tests/test_calc.py": TESTS})


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (directories included) and the hash of its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


@pytest.fixture
def tree_snapshot():
    return snapshot
