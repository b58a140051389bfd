"""Fixtures for hlopt sysctl: captured /proc/sys trees and fake host directories."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from hlopt.sysctl.hostchecks import Host

#: a small /proc/sys snapshot shaped like a stock 6.x kernel
STOCK: Mapping[str, str] = {
    "kernel.osrelease": "6.1.0-test",
    "net.core.somaxconn": "4096",
    "net.core.netdev_max_backlog": "1000",
    "net.core.rmem_max": "212992",
    "net.core.wmem_max": "212992",
    "net.core.rmem_default": "212992",
    "net.core.wmem_default": "212992",
    "net.core.default_qdisc": "pfifo_fast",
    "net.ipv4.tcp_max_syn_backlog": "2048",
    "net.ipv4.tcp_syncookies": "1",
    "net.ipv4.tcp_rmem": "4096\t131072\t6291456",
    "net.ipv4.tcp_wmem": "4096\t16384\t4194304",
    "net.ipv4.ip_local_port_range": "32768\t60999",
    "net.ipv4.tcp_tw_reuse": "2",
    "net.ipv4.tcp_fin_timeout": "60",
    "net.ipv4.tcp_max_tw_buckets": "131072",
    "net.ipv4.tcp_slow_start_after_idle": "1",
    "net.ipv4.tcp_congestion_control": "cubic",
    "net.ipv4.tcp_available_congestion_control": "reno cubic",
    "fs.file-max": "9223372036854775807",
    "fs.nr_open": "1048576",
    "vm.swappiness": "60",
    "vm.max_map_count": "65530",
}

ProcRoot = Callable[..., Path]


def write_tree(root: Path, values: Mapping[str, str]) -> Path:
    for key, value in values.items():
        path = root.joinpath(*key.split("."))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n", encoding="utf-8")
    return root


@pytest.fixture
def proc_root(tmp_path: Path) -> ProcRoot:
    """``proc_root(**overrides)``: a captured tree from STOCK; a value of None drops a key."""

    def make(values: Mapping[str, str | None] | None = None) -> Path:
        merged = {**STOCK, **(values or {})}
        return write_tree(tmp_path / "sys", {k: v for k, v in merged.items() if v is not None})

    return make


@pytest.fixture
def fake_host(tmp_path: Path) -> Host:
    """An empty host: no cpufreq, no THP, no container, no /proc files."""
    for d in ("proc", "sysfs", "fsroot"):
        (tmp_path / d).mkdir()
    return Host(proc=tmp_path / "proc", sys=tmp_path / "sysfs", fs_root=tmp_path / "fsroot",
                environ={})


@pytest.fixture
def read_key() -> Callable[[Path, str], str]:
    """``read_key(root, key)``: a key's value in a tree, whitespace collapsed."""

    def read(root: Path, key: str) -> str:
        return " ".join(root.joinpath(*key.split(".")).read_text().split())

    return read
