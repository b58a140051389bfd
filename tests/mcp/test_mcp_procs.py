"""Stopping a whole process tree: children in new sessions and orphans included (Linux)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.mcp_server.procs import descendants, kill_descendants

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

#: a parent that starts a child in a new session, which starts a grandchild, then all wait
TREE = textwrap.dedent("""
    import subprocess, sys, time
    code = ("import subprocess, sys, time; "
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
            "print(flush=True); time.sleep(120)")
    child = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                             stdout=subprocess.PIPE)
    child.stdout.readline()
    print("ready", flush=True)
    time.sleep(120)
""")


def test_kill_descendants_stops_a_tree_across_sessions(kit) -> None:
    parent = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        below = descendants(parent.pid)
        assert len(below) >= 2  # the session leader and its grandchild (and no more zombies)
        killed = kill_descendants(parent.pid)
        assert below <= killed
        assert kit.wait_gone(below) == []
        assert descendants(parent.pid) == set()
    finally:
        parent.kill()
        parent.wait()


def test_descendants_of_a_process_without_children_is_empty() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as proc:
        try:
            assert descendants(proc.pid) == set()
        finally:
            proc.kill()
