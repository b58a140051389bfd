"""Read and write sysctl keys as files under a root: the live /proc/sys or a captured tree."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hlopt.sysctl.values import normalize, same

LIVE_ROOT = Path("/proc/sys")

#: a dotted sysctl key; no '/' or '..' can reach outside the root
_KEY = re.compile(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)+")


class Unavailable(Exception):
    """The key does not exist under the root, or cannot be read; ``reason`` says which."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class WriteResult:
    """What happened to one write: ``error`` from the kernel, or the value read back."""

    key: str
    wanted: str
    error: str | None = None
    read_back: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and same(self.read_back, self.wanted)


def is_valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key))


class ProcSys:
    """sysctl over files: ``net.core.somaxconn`` is ``<root>/net/core/somaxconn``."""

    def __init__(self, root: Path = LIVE_ROOT) -> None:
        self.root = Path(root)

    @property
    def is_live(self) -> bool:
        """True when this is the kernel's own /proc/sys (so root and namespaces matter)."""
        try:
            return self.root.resolve() == LIVE_ROOT
        except OSError:
            return False

    def path(self, key: str) -> Path:
        if not is_valid_key(key):
            raise ValueError(f"not a sysctl key: {key!r}")
        return self.root.joinpath(*key.split("."))

    def read(self, key: str) -> str:
        """The value with whitespace collapsed; raises :class:`Unavailable`."""
        try:
            return normalize(self.path(key).read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            raise Unavailable(key, "unavailable on this kernel") from None
        except IsADirectoryError:
            raise Unavailable(key, "is a directory, not a key") from None
        except OSError as exc:
            raise Unavailable(key, f"cannot be read: {_why(exc)}") from None

    def read_or_none(self, key: str) -> str | None:
        try:
            return self.read(key)
        except Unavailable:
            return None

    def write(self, key: str, value: str) -> None:
        """One write(2) of ``value``; raises OSError as the kernel reports it.

        The file is never created: a key the kernel does not have stays absent.
        """
        fd = os.open(self.path(key), os.O_WRONLY | os.O_TRUNC)  # as sysctl(8)'s fopen "w"
        try:
            os.write(fd, (value + "\n").encode())
        finally:
            os.close(fd)

    def write_checked(self, key: str, value: str) -> WriteResult:
        """Write, then read back; a rejected write is a result, never an exception."""
        try:
            self.write(key, value)
        except OSError as exc:
            return WriteResult(key, value, error=_why(exc))
        try:
            return WriteResult(key, value, read_back=self.read(key))
        except Unavailable as exc:
            return WriteResult(key, value, error=f"written but {exc.reason}")

    def is_read_only(self) -> bool:
        """True when the root is on a read-only mount (containers mount /proc/sys so)."""
        try:
            return bool(os.statvfs(self.root).f_flag & os.ST_RDONLY)
        except OSError:
            return False


def _why(exc: OSError) -> str:
    """``EINVAL (Invalid argument)``: the errno name helps when searching for the cause."""
    name = errno.errorcode.get(exc.errno or 0, "error")
    return f"{name} ({exc.strerror or exc})"
