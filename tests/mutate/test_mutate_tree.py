"""The user's tree is byte-identical after a run, also after Ctrl-C in the middle of one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hlopt.mutate import Options, run

pytestmark = pytest.mark.slow

SLOW_TESTS = '''
import time
from pkg.calc import clamp, spin


def test_slow_clamp():
    time.sleep(0.3)
    assert clamp(5, 0, 10) == 5


def test_spin():
    assert spin(3) == 3
'''


def test_a_run_leaves_the_tree_byte_identical(weak_project: Path, tree_snapshot,
                                              cache_dir) -> None:
    before = tree_snapshot(weak_project)
    report = run(Options(paths=(weak_project,), cache_dir=cache_dir))
    assert report.findings
    assert tree_snapshot(weak_project) == before  # no .pytest_cache, no __pycache__


def test_ctrl_c_mid_run_leaves_the_tree_byte_identical_and_no_process(
        weak_project: Path, tree_snapshot, tmp_path: Path) -> None:
    (weak_project / "tests" / "test_calc.py").write_text(SLOW_TESTS)
    before = tree_snapshot(weak_project)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "hlopt", "mutate", "--no-cache", "-j", "1"],
                            cwd=weak_project, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _mutant_children(proc.pid):  # wait until mutants are being tested
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    session = _descendants(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert tree_snapshot(weak_project) == before
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in session) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in session if _alive(p)]


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True)
    children: dict[int, list[int]] = {}
    for line in out.stdout.splitlines():
        p, pp = map(int, line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c)
            todo.append(c)
    return found


def _mutant_children(pid: int) -> bool:
    """A pytest session with a forked child: the clean run or a mutant is running."""
    return len(_descendants(pid)) >= 2


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
