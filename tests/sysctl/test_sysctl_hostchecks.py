"""Host checks on fake /proc and /sys trees, plus this process's real limits."""

from __future__ import annotations

import gzip
import os
from dataclasses import replace
from pathlib import Path

import pytest

from hlopt.core.errors import InputError
from hlopt.core.report import Severity
from hlopt.sysctl import hostchecks as hc
from hlopt.sysctl.knobs import PROFILES

LIMITS = """Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 4096                 files
"""


def _put(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_pid_limits_are_read_from_proc(fake_host) -> None:
    _put(fake_host.proc / "4242/limits", LIMITS)
    assert hc.pid_nofile(fake_host, 4242) == hc.Limits(1024, 4096)


def test_unlimited_and_missing_pid(fake_host) -> None:
    _put(fake_host.proc / "7/limits", LIMITS.replace("1024                 4096",
                                                     "unlimited            unlimited"))
    assert hc.pid_nofile(fake_host, 7) == hc.Limits(hc.UNLIMITED, hc.UNLIMITED)
    with pytest.raises(InputError, match="no process with pid 99"):
        hc.pid_nofile(fake_host, 99)


def test_real_pid_limits_match_getrlimit() -> None:
    assert hc.pid_nofile(hc.Host(), os.getpid()) == hc.own_nofile()


def test_low_nofile_is_a_warning_with_the_right_advice(tmp_path) -> None:
    web = PROFILES["web"]
    [f] = hc.check_nofile(web, hc.Limits(1024, 4096), "process 1", tmp_path)
    assert f.code == "HLK010" and f.severity is Severity.WARNING
    assert "LimitNOFILE=65536" in f.fix.title
    [f] = hc.check_nofile(web, hc.Limits(1024, 1048576), "process 1", tmp_path)
    assert "ulimit -n 65536" in f.fix.title  # the hard limit allows it: raise the soft one
    assert hc.check_nofile(web, hc.Limits(65536, 65536), "p", tmp_path) == []
    assert hc.check_nofile(PROFILES["latency"], hc.Limits(16, 16), "p", tmp_path) == []


def test_thp(fake_host) -> None:
    path = fake_host.sys / "kernel/mm/transparent_hugepage/enabled"
    assert hc.thp_mode(fake_host) is None
    _put(path, "[always] madvise never\n")
    assert hc.thp_mode(fake_host) == "always"
    [f] = hc.check_thp(PROFILES["db"], fake_host)
    assert f.code == "HLK011" and "'always'" in f.message
    assert hc.check_thp(PROFILES["web"], fake_host) == []  # web does not care
    _put(path, "always [madvise] never\n")
    assert hc.check_thp(PROFILES["latency"], fake_host) == []


def test_governor(fake_host) -> None:
    [f] = hc.check_governor(PROFILES["latency"], fake_host)
    assert f.severity is Severity.INFO and "no CPU frequency scaling" in f.message
    for cpu, gov in (("cpu0", "powersave"), ("cpu1", "performance"), ("cpu2", "powersave")):
        _put(fake_host.sys / f"devices/system/cpu/{cpu}/cpufreq/scaling_governor", gov)
    [f] = hc.check_governor(PROFILES["throughput"], fake_host)
    assert f.severity is Severity.WARNING and "powersave on 2 CPUs" in f.message
    assert hc.check_governor(PROFILES["web"], fake_host) == []


def test_hugepage_pools(fake_host) -> None:
    _put(fake_host.sys / "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0")
    assert hc.hugepage_pools(fake_host) == {"2048kB": 0}
    [f] = hc.check_hugepages(PROFILES["db"], fake_host)
    assert f.code == "HLK013"
    _put(fake_host.sys / "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "512")
    assert hc.check_hugepages(PROFILES["db"], fake_host) == []


def test_container_detection(fake_host) -> None:
    assert hc.container_kind(fake_host) is None and hc.check_container(fake_host) == []
    _put(fake_host.proc / "1/cgroup", "0::/kubepods/besteffort/pod1\n")
    assert hc.container_kind(fake_host) == "kubernetes"
    (fake_host.fs_root / ".dockerenv").touch()
    assert hc.container_kind(fake_host) == "docker"
    assert hc.container_kind(replace(fake_host, environ={"container": "podman"})) == "podman"
    [f] = hc.check_container(fake_host)
    assert f.code == "HLK014" and f.severity is Severity.INFO


def test_read_only_is_reported(tmp_path) -> None:
    assert hc.check_read_only(tmp_path, False) == []
    [f] = hc.check_read_only(tmp_path, True)
    assert f.code == "HLK015" and "read-only" in f.message


def test_udp_drops(fake_host) -> None:
    _put(fake_host.proc / "net/snmp", "Ip: Forwarding\nIp: 1\n"
         "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n"
         "Udp: 100 0 7 90 7 0\n")
    assert hc.udp_errors(fake_host)["RcvbufErrors"] == 7
    [f] = hc.check_udp_errors(PROFILES["udp"], fake_host)
    assert f.code == "HLK016" and "7 UDP datagrams" in f.message
    assert hc.check_udp_errors(PROFILES["web"], fake_host) == []


def test_kernel_config_and_qdiscs(fake_host) -> None:
    assert hc.kernel_config(fake_host) is None
    assert hc.qdisc_available("fq", None) is None
    (fake_host.proc / "config.gz").write_bytes(gzip.compress(
        b"CONFIG_NET_SCH_FQ_CODEL=m\n# CONFIG_NET_SCH_FQ is not set\nCONFIG_TCP_CONG_BBR=y\n"))
    config = hc.kernel_config(fake_host)
    assert config == {"CONFIG_NET_SCH_FQ_CODEL": "m", "CONFIG_NET_SCH_FQ": "n",
                      "CONFIG_TCP_CONG_BBR": "y"}
    assert hc.qdisc_available("fq", config) is False
    assert hc.qdisc_available("fq_codel", config) is True
    assert hc.qdisc_available("pfifo_fast", config) is True
