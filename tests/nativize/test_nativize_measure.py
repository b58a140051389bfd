"""Measuring the native function against Python with the bench engine (structure only)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hlopt.core.errors import InputError
from hlopt.nativize import build as nb
from hlopt.nativize.measure import Measurement, measure, representative
from hlopt.nativize.model import Call, Generated, Target

PYTHON = '''
def bump(xs, k):
    for i in range(len(xs)):
        xs[i] += k
    return len(xs)
'''

NATIVE = '''
import cython

_py = None


def bump(xs, k):
    i: cython.Py_ssize_t
    for i in range(len(xs)):
        xs[i] += k
    return len(xs)


def _hlopt_bind(pyfunc):
    global _py
    _py = pyfunc
    return bump
'''


def test_representative_calls_span_the_sizes() -> None:
    calls = [Call(([0] * n, 1)) for n in range(100)]
    chosen = representative(calls, limit=5)
    assert [len(c.args[0]) for c in chosen] == [0, 25, 50, 74, 99]
    assert representative(calls[:3], limit=5) == calls[:3]


@pytest.mark.native
@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                    reason="no C compiler on PATH")
def test_measure_both_sides_in_fresh_processes(tmp_path: Path) -> None:
    (tmp_path / "kern.py").write_text(PYTHON)
    target = Target(tmp_path / "kern.py", "bump", "kern", tmp_path)
    built = nb.build(Generated("cython", "_hlopt_kern_bump", NATIVE, ".py", "h"),
                     cache_dir=tmp_path / "cache")
    calls = [Call(([1] * n, 2)) for n in (1, 10, 100)]
    m = measure(target, built, calls, rounds=3)
    assert isinstance(m, Measurement)
    assert m.rounds == 3 and m.calls == 3 and m.before > 0 and m.after > 0
    assert m.speedup > 0 and m.significant in (True, False, None)
    assert m.ci_low is None or m.ci_low <= m.ci_high
    assert m.faster == (bool(m.significant) and m.speedup > 1)
    assert any("rounds" in n for n in m.notes)
    with pytest.raises(InputError, match="no recorded call"):
        measure(target, built, [], rounds=3)
