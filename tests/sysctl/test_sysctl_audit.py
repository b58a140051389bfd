"""The audit on proc-root directories: statuses, findings, the table, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlopt.core.report import Severity
from hlopt.sysctl import Options, hostchecks, run
from hlopt.sysctl.audit import (
    OK,
    SHORT,
    UNAVAILABLE,
    UNSUPPORTED,
    Features,
    audit_keys,
    key_findings,
    table,
)
from hlopt.sysctl.backend import ProcSys
from hlopt.sysctl.knobs import KNOBS


def _states(root, profile="web", config=None):
    backend = ProcSys(root)
    return backend, {s.knob.key: s for s in audit_keys(
        backend, profile, KNOBS, Features.read(backend, config))}


def test_statuses_on_a_stock_tree(proc_root) -> None:
    _, states = _states(proc_root())
    assert states["net.core.somaxconn"].status == SHORT
    assert states["net.core.somaxconn"].target == "65535"
    assert states["net.ipv4.tcp_syncookies"].status == OK
    assert states["fs.file-max"].status == OK
    # bbr is not among this kernel's congestion controls: not settable, not a shortfall
    cc = states["net.ipv4.tcp_congestion_control"]
    assert cc.status == UNSUPPORTED and "available: cubic reno" in cc.reason


def test_absent_keys_are_unavailable(proc_root) -> None:
    _, states = _states(proc_root({"net.ipv4.tcp_max_tw_buckets": None}))
    s = states["net.ipv4.tcp_max_tw_buckets"]
    assert s.status == UNAVAILABLE and s.reason == "unavailable on this kernel"


def test_qdisc_depends_on_the_kernel_config(proc_root) -> None:
    root = proc_root()
    _, states = _states(root, config={"CONFIG_NET_SCH_FQ": "n"})
    assert states["net.core.default_qdisc"].status == UNSUPPORTED
    _, states = _states(root, config={"CONFIG_NET_SCH_FQ": "y"})
    assert states["net.core.default_qdisc"].status == SHORT
    _, states = _states(root, config=None)  # unknown: let the kernel decide at --apply
    assert states["net.core.default_qdisc"].status == SHORT


def test_findings_carry_current_recommended_why_and_risk(proc_root) -> None:
    backend, states = _states(proc_root())
    findings = {f.data["key"]: f for f in key_findings(list(states.values()), backend, "web")}
    f = findings["net.core.somaxconn"]
    assert f.code == "HLK001" and f.severity is Severity.WARNING
    assert f.message == "net.core.somaxconn is 4096; the web profile wants >= 65535"
    assert f.path == backend.path("net.core.somaxconn")
    assert f.data["current"] == "4096" and f.data["recommended"] == ">65535"
    assert f.data["per_netns"] is True and f.data["risk"] and f.data["what"]
    assert all(url.startswith("https://") for url in f.data["sources"])
    assert findings["net.ipv4.tcp_congestion_control"].code == "HLK003"
    assert "net.ipv4.tcp_syncookies" not in findings  # meets the profile: no finding


def test_table_shows_every_key_with_why_and_risk_for_shortfalls(proc_root) -> None:
    _, states = _states(proc_root())
    lines = table(list(states.values()))
    text = "\n".join(lines)
    assert lines[0].split() == ["status", "key", "current", "profile"]
    assert "SHORT   net.core.somaxconn" in text and "ok      fs.file-max" in text
    assert "why (per-netns): Caps the accept queue" in text
    assert "risk: A longer queue" in text


def test_audit_exits_0_and_check_exits_1(proc_root, fake_host) -> None:
    root = proc_root()
    report = run(Options(profile="web", root=root), host=fake_host)
    assert report.exit_code == 0 and any(f.code == "HLK001" for f in report.findings)
    assert "Audit only: nothing was changed" in "\n".join(report.notes)
    assert run(Options(profile="web", root=root, check=True)).exit_code == 1


def test_check_passes_when_the_host_meets_the_profile(proc_root) -> None:
    root = proc_root({"vm.max_map_count": "262144", "vm.swappiness": "1",
                      "net.ipv4.tcp_max_syn_backlog": "8192", "kernel.numa_balancing": "0"})
    report = run(Options(profile="db", root=root, check=True))
    assert report.exit_code == 0, [f.message for f in report.findings]


def test_netns_only_keeps_per_namespace_keys(proc_root) -> None:
    report = run(Options(profile="web", root=proc_root(), netns_only=True))
    keys = {f.data["key"] for f in report.findings if f.data and "key" in f.data}
    assert "net.core.somaxconn" in keys
    assert "net.core.netdev_max_backlog" not in keys and "fs.file-max" not in keys


def test_audit_writes_nothing(proc_root) -> None:
    root = proc_root()
    before = {p: p.read_text() for p in root.rglob("*") if p.is_file()}
    run(Options(profile="throughput", root=root, check=True))
    assert before == {p: p.read_text() for p in root.rglob("*") if p.is_file()}


def test_host_checks_are_findings_and_count_for_check(fake_host, monkeypatch) -> None:
    if not Path("/proc/sys/vm").is_dir():
        pytest.skip("no Linux /proc/sys here")
    thp = fake_host.sys / "kernel/mm/transparent_hugepage/enabled"
    thp.parent.mkdir(parents=True)
    thp.write_text("[always] madvise never\n")
    (fake_host.fs_root / ".dockerenv").touch()
    monkeypatch.setattr(hostchecks, "own_nofile", lambda: hostchecks.Limits(1 << 20, 1 << 20))
    report = run(Options(profile="db"), host=fake_host)
    codes = {f.code for f in report.findings}
    assert {"HLK011", "HLK014"} <= codes
    assert report.exit_code == 0  # the audit informs
    assert "THP always" in report.notes[-1] and "container docker" in report.notes[-1]
    assert run(Options(profile="db", check=True), host=fake_host).exit_code == 1
    web = run(Options(profile="web", netns_only=True), host=fake_host)
    assert "HLK011" not in {f.code for f in web.findings}  # web does not care about THP
