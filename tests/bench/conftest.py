"""Fixtures of the bench tests: a module of callables whose costs are known."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

WORK = '''
import time


def work(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def same():
    return work(1000)


def slower():
    """Exactly 10% more loop iterations than same()."""
    return work(1100)


def much_slower():
    return work(3000)


def boom():
    return 1 / 0


def never():
    while True:
        time.sleep(0.01)


def grow(n):
    return [bytes(1024) for _ in range(n)]
'''

@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding work.py, made the current directory."""
    (tmp_path / "work.py").write_text(textwrap.dedent(WORK).lstrip(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path
