"""ProcSys over a proc-root directory: read, write, read back, and failures."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hlopt.sysctl.backend import LIVE_ROOT, ProcSys, Unavailable


def test_read_collapses_whitespace(proc_root) -> None:
    backend = ProcSys(proc_root())
    assert backend.read("net.ipv4.tcp_rmem") == "4096 131072 6291456"
    assert backend.path("net.core.somaxconn").name == "somaxconn"


def test_missing_key_is_unavailable_not_an_error(proc_root) -> None:
    backend = ProcSys(proc_root({"net.core.busy_read": None}))
    with pytest.raises(Unavailable, match="unavailable on this kernel"):
        backend.read("net.core.busy_read")
    assert backend.read_or_none("net.core.busy_read") is None


def test_a_directory_is_not_a_key(proc_root) -> None:
    with pytest.raises(Unavailable, match="directory"):
        ProcSys(proc_root()).read("net.core")


def test_keys_cannot_escape_the_root(proc_root) -> None:
    backend = ProcSys(proc_root())
    for bad in ("../etc/passwd", "net/core/somaxconn", "net..core", "", "somaxconn"):
        with pytest.raises(ValueError):
            backend.path(bad)


def test_write_then_read_back(proc_root) -> None:
    backend = ProcSys(proc_root())
    result = backend.write_checked("net.core.somaxconn", "65535")
    assert result.ok and result.read_back == "65535" and result.error is None


def test_write_never_creates_an_absent_key(proc_root) -> None:
    root = proc_root({"net.core.busy_read": None})
    result = ProcSys(root).write_checked("net.core.busy_read", "50")
    assert result.error is not None and "ENOENT" in result.error
    assert not (root / "net/core/busy_read").exists()


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EINVAL])
def test_a_rejected_write_is_a_result_not_an_exception(proc_root, monkeypatch, code) -> None:
    backend = ProcSys(proc_root())

    def refuse(fd: int, data: bytes) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", refuse)
    result = backend.write_checked("net.core.somaxconn", "65535")
    assert not result.ok
    assert errno.errorcode[code] in (result.error or "")


def test_read_only_detection(proc_root, monkeypatch) -> None:
    backend = ProcSys(proc_root())
    assert backend.is_read_only() is False

    class RO:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda path: RO())
    assert backend.is_read_only() is True


def test_live_root() -> None:
    assert ProcSys().is_live and ProcSys().root == LIVE_ROOT
    assert not ProcSys(Path("/tmp")).is_live
