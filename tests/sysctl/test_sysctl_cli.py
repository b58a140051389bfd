"""``hlopt sysctl`` through the CLI: the real audit, formats, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hlopt.sysctl import engine
from hlopt.sysctl.backend import ProcSys
from hlopt.sysctl.hostchecks import Host, pid_nofile
from hlopt.sysctl.knobs import PROFILES

REPO = Path(__file__).resolve().parents[2]
LIVE = Path("/proc/sys")
needs_proc = pytest.mark.skipif(not (LIVE / "net").is_dir(), reason="no Linux /proc/sys here")


@pytest.fixture
def no_writes(monkeypatch):
    """Fail the test if anything tries to write a sysctl key."""

    def refuse(self, key, value):
        raise AssertionError(f"test tried to write {key}")

    monkeypatch.setattr(ProcSys, "write", refuse)


@needs_proc
@pytest.mark.parametrize("profile", list(PROFILES))
def test_real_audit_of_this_machine_is_readable(invoke, profile, no_writes) -> None:
    result = invoke(["sysctl", "--profile", profile])
    out = result.stdout
    assert f"{profile} profile (" in out and "on /proc/sys, kernel " in out
    assert "status  key" in out and "profile" in out
    assert "Audit only: nothing was changed" in out
    assert "Host: container" in out
    for line in out.splitlines():
        if line.startswith(("/proc/sys/", "/sys/", "/proc/")):
            assert ": HLK0" in line  # path: CODE message


@needs_proc
def test_real_audit_json_has_every_finding_with_data(invoke, no_writes) -> None:
    doc = json.loads(invoke(["sysctl", "-p", "web", "--format", "json"]).stdout)
    assert doc["command"] == "sysctl" and doc["exit_code"] == 0
    assert doc["target"] == "web profile on /proc/sys"
    for f in doc["findings"]:
        assert f["code"].startswith("HLK")
        if f["code"] == "HLK001":
            assert {"current", "recommended", "target", "what", "risk", "sources"} \
                <= set(f["data"])
            assert f["severity"] == "warning"


@needs_proc
def test_real_audit_sarif(invoke, no_writes) -> None:
    doc = json.loads(invoke(["sysctl", "-p", "udp", "--format", "sarif"]).stdout)
    assert doc["version"] == "2.1.0"
    rules = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert all(code.startswith("HLK") for code in rules)


@needs_proc
def test_check_on_the_real_host_is_a_gate(invoke, no_writes) -> None:
    doc = json.loads(invoke(["sysctl", "-p", "web", "--format", "json"]).stdout)
    short = any(f["severity"] != "info" for f in doc["findings"])
    invoke(["sysctl", "-p", "web", "--check", "-q"], exit_code=1 if short else 0)


@needs_proc
def test_pid_of_a_real_process(invoke, no_writes) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        limits = pid_nofile(Host(), child.pid)
        doc = json.loads(invoke(["sysctl", "-p", "web", "--pid", str(child.pid),
                                 "--format", "json"]).stdout)
    finally:
        child.kill()
        child.wait()
    theirs = [f for f in doc["findings"]
              if f["code"] == "HLK010" and f["data"]["who"] == f"process {child.pid}"]
    if 0 <= limits.soft < 65536:
        [f] = theirs
        assert f["path"] == f"/proc/{child.pid}/limits"
        assert (f["data"]["soft"], f["data"]["hard"]) == (limits.soft, limits.hard)
    else:
        assert theirs == []


def test_unknown_profile_lists_the_known_ones(invoke) -> None:
    result = invoke(["sysctl", "--profile", "webscale"], exit_code=2)
    assert "hlopt: error: unknown profile 'webscale'" in result.stderr
    assert "known profiles: web, udp, latency, throughput, db" in result.stderr


def test_missing_profile(invoke) -> None:
    result = invoke(["sysctl"], exit_code=2)
    assert "--profile is required" in result.stderr and "web, udp" in result.stderr


def test_apply_without_root_says_what_to_run(invoke, monkeypatch, no_writes) -> None:
    monkeypatch.setattr(engine, "euid", lambda: 1000)
    result = invoke(["sysctl", "--profile", "web", "--apply"], exit_code=2)
    assert "writing /proc/sys needs root (running as uid 1000); nothing was changed" \
        in result.stderr
    assert "sudo hlopt sysctl --profile web --apply" in result.stderr
    assert "hlopt sysctl --profile web --write 90-hlopt.conf" in result.stderr


def test_revert_without_root(invoke, monkeypatch, no_writes, tmp_path) -> None:
    monkeypatch.setattr(engine, "euid", lambda: 1000)
    result = invoke(["sysctl", "--revert", "--state", str(tmp_path / "s.json")], exit_code=2)
    assert f"sudo hlopt sysctl --revert --state {tmp_path / 's.json'}" in result.stderr


def test_read_only_proc_sys_refuses_before_any_state(invoke, monkeypatch, no_writes,
                                                     tmp_path) -> None:
    monkeypatch.setattr(engine, "euid", lambda: 0)
    monkeypatch.setattr(ProcSys, "is_read_only", lambda self: True)
    state = tmp_path / "s.json"
    result = invoke(["sysctl", "-p", "web", "--apply", "--state", str(state)], exit_code=2)
    assert "/proc/sys is mounted read-only here" in result.stderr
    assert "--write FILE" in result.stderr
    assert not state.exists()


def test_read_only_captured_tree_refuses_apply(invoke, proc_root, monkeypatch) -> None:
    monkeypatch.setattr(ProcSys, "is_read_only", lambda self: True)
    root = proc_root()
    result = invoke(["sysctl", "-p", "web", "--root", str(root), "--apply"], exit_code=2)
    assert f"{root} is mounted read-only here" in result.stderr
    assert (root / "net/core/somaxconn").read_text().strip() == "4096"


def test_root_audit_and_check(invoke, proc_root) -> None:
    root = proc_root()
    out = invoke(["sysctl", "-p", "web", "--root", str(root)]).stdout
    assert "web profile (" in out and f"on {root}, kernel 6.1.0-test:" in out
    assert "Host checks (limits, hugepages, governor, container) skipped" in out
    invoke(["sysctl", "-p", "web", "--root", str(root), "--check"], exit_code=1)


def test_root_apply_and_revert_through_the_cli(invoke, proc_root, tmp_path) -> None:
    root = proc_root()
    state = tmp_path / "s.json"
    out = invoke(["sysctl", "-p", "web", "--root", str(root), "--apply", "--state",
                  str(state)]).stdout
    assert "net.core.somaxconn: 4096 -> 65535 (set)" in out
    assert "after --apply:" in out and f"--revert --state {state}" in out
    out = invoke(["sysctl", "--revert", "--root", str(root), "--state", str(state)]).stdout
    assert "net.core.somaxconn: 65535 -> 4096 (restored)" in out
    assert (root / "net/core/somaxconn").read_text().strip() == "4096"


def test_write_through_the_cli(invoke, proc_root, tmp_path) -> None:
    target = tmp_path / "90-hlopt.conf"
    out = invoke(["sysctl", "-p", "throughput", "--root", str(proc_root()), "--write",
                  str(target)]).stdout
    assert f"wrote sysctl.d {target}" in out
    assert "net.ipv4.tcp_wmem = 4096 16384 16777216" in target.read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--apply", "--revert", "-p", "web"], "--apply and --revert cannot be used together"),
    (["--revert", "--check"], "--revert takes no --write or --check"),
    (["-p", "web", "--root", "/tmp", "--pid", "1"], "--pid reads this host's"),
    (["-p", "web", "--root", "/nonexistent-hlopt"], "is not a directory"),
    (["-p", "web", "--pid", "999999999"], "no process with pid 999999999"),
    (["-p", "web", "--format", "yaml"], "unknown format 'yaml'"),
])
def test_bad_input(invoke, args, message) -> None:
    assert message in invoke(["sysctl", *args], exit_code=2).stderr


def test_python_dash_m_runs_the_audit(proc_root) -> None:
    root = proc_root()
    proc = subprocess.run([sys.executable, "-m", "hlopt", "sysctl", "-p", "db", "--root",
                           str(root), "--format", "json"], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["target"] == f"db profile on {root}"


def test_sysctl_rules_are_registered(invoke) -> None:
    out = invoke(["rules"]).stdout
    for code in ("HLK001", "HLK002", "HLK003", "HLK010", "HLK020", "HLK022", "HLK023"):
        assert code in out
    assert "sysctl-below-profile" in invoke(["explain", "HLK001"]).stdout
