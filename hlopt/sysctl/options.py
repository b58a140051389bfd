"""The options of ``hlopt sysctl``: one frozen dataclass, built by the CLI or an agent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    """What ``hlopt sysctl`` should do; the default is a read-only audit."""

    #: web, udp, latency, throughput or db (not needed with ``revert``)
    profile: str | None = None
    #: exit 1 when the host falls short of the profile (after ``apply``, if given)
    check: bool = False
    #: write a sysctl.d file with the profile's values, explained in comments
    write: Path | None = None
    #: write the keys that fall short (root needed on the live /proc/sys)
    apply: bool = False
    #: restore the originals saved by ``apply``
    revert: bool = False
    #: the state file ``apply`` saves originals to (default: see ``state.default_path``)
    state: Path | None = None
    #: a captured /proc/sys tree instead of the live one
    root: Path | None = None
    #: also check the open-file limit of this running process
    pid: int | None = None
    #: only keys that belong to a network namespace (what a container can set)
    netns_only: bool = False
