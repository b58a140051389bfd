"""The state file: each key's original value, saved before ``--apply`` writes, for ``--revert``.

Like tuned, the first saved original wins: applying twice and reverting once restores what
the host had before hlopt touched it. The file is JSON, written atomically.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError
from hlopt.core.files import read_json, write_text_atomic
from hlopt.sysctl.backend import LIVE_ROOT, is_valid_key

STATE_VERSION = 1
#: where the live /proc/sys's state goes unless --state says otherwise
DEFAULT_LIVE_STATE = Path("/var/lib/hlopt/sysctl-state.json")


@dataclass(frozen=True)
class Entry:
    """One key hlopt changed: what it was, and what hlopt wrote."""

    key: str
    original: str
    written: str


@dataclass
class State:
    root: str
    #: the network namespace the values were read in (``net:[4026531840]``), "" if unknown
    netns: str
    profile: str
    entries: dict[str, Entry] = field(default_factory=dict)
    created: float = field(default_factory=time.time)

    def remember(self, key: str, original: str, written: str) -> None:
        """Record a key about to be written, keeping an older original if there is one."""
        old = self.entries.get(key)
        self.entries[key] = Entry(key, old.original if old else original, written)

    def to_dict(self) -> dict[str, Any]:
        from hlopt import __version__

        return {
            "version": STATE_VERSION, "hlopt_version": __version__, "root": self.root,
            "netns": self.netns, "profile": self.profile, "created": self.created,
            "entries": [{"key": e.key, "original": e.original, "written": e.written}
                        for e in self.entries.values()],
        }


def default_path(root: Path) -> Path:
    """/var/lib/hlopt/... for the live /proc/sys; a file beside a captured tree otherwise."""
    if root == LIVE_ROOT:
        return DEFAULT_LIVE_STATE
    return root.parent / f"{root.name}.hlopt-sysctl-state.json"


def current_netns() -> str:
    try:
        return os.readlink("/proc/self/ns/net")
    except OSError:
        return ""


def load(path: Path) -> State:
    """Read a state file; InputError naming the file when it is missing or malformed."""
    if not path.exists():
        raise InputError(f"no state file at {path}: nothing to revert",
                         hint="--apply writes it; pass the same --state FILE to both")
    data = read_json(path, label=f"state file {path}",
                     hint="it is JSON written by `hlopt sysctl --apply`")
    try:
        return _from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"state file {path} is malformed: {exc}",
                         hint="it is JSON written by `hlopt sysctl --apply`") from None


def _from_dict(data: dict[str, Any]) -> State:
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"version {data.get('version')!r}, expected {STATE_VERSION}")
    state = State(str(data["root"]), str(data.get("netns", "")), str(data.get("profile", "")),
                  created=float(data.get("created", 0.0)))
    for raw in data["entries"]:
        entry = Entry(str(raw["key"]), str(raw["original"]), str(raw["written"]))
        if not is_valid_key(entry.key):
            raise ValueError(f"not a sysctl key: {entry.key!r}")
        state.entries[entry.key] = entry
    return state


def load_or_new(path: Path, root: Path, profile: str) -> State:
    """The existing state (to keep its originals) or a fresh one."""
    if path.exists():
        state = load(path)
        if state.root != str(root):
            raise InputError(f"state file {path} belongs to {state.root}, not {root}",
                             hint="revert that one first, or pass another --state FILE")
        return state
    return State(str(root), current_netns(), profile)


def save(path: Path, state: State) -> None:
    """Write atomically (temp file + rename); an empty state removes the file."""
    if not state.entries:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(state.to_dict(), indent=2) + "\n"
    write_text_atomic(path, text)
