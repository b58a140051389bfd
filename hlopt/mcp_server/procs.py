"""Find and stop every descendant of a process, so a cancelled tool call leaves nothing behind.

Commands start children in new sessions (``start_new_session=True``), so one process group
does not hold them all; the tree is read from /proc instead. Each round stops what it finds
(SIGSTOP, so nothing forks behind our back) until the tree is stable, then kills it all.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

PROC = Path("/proc")
#: from <linux/prctl.h>
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux), so a double-forked child stays in our tree."""
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def stop_with_parent(parent: int) -> None:
    """Get SIGTERM when ``parent`` dies (Linux), as if the call had been cancelled."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live (not zombie) process."""
    table: dict[int, int] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if fields and fields[0] != "Z":
            table[int(entry.name)] = int(fields[1])
    return table


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (empty where /proc is missing)."""
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _signal(pids: set[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def kill_descendants(pid: int, rounds: int = 20) -> set[int]:
    """Freeze, then kill, every descendant of ``pid``; returns the pids that were killed."""
    frozen: set[int] = set()
    for _ in range(rounds):
        found = descendants(pid) - frozen
        if not found:
            break
        _signal(found, signal.SIGSTOP)
        frozen |= found
    _signal(frozen, signal.SIGKILL)  # SIGKILL ends a stopped process too
    return frozen


def reap() -> None:
    """Collect exited children (a subreaper inherits zombies)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
