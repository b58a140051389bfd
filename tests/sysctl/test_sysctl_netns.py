"""Real --apply/--revert inside a throw-away network namespace (``unshare -n``).

Only per-namespace keys are ever written, and only in a child process that first checks
it runs in a namespace of its own. Each test reads the host's values of every knob before
and after, and requires them unchanged. Where namespaces are not allowed, tests skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.sysctl.backend import ProcSys
from hlopt.sysctl.knobs import KNOBS, knobs_for
from hlopt.sysctl.values import Spec, meets

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
WATCHED = sorted({k.key for k in KNOBS} | {"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_tw_reuse"})
GUARD = textwrap.dedent("""
    import os, sys
    if os.readlink("/proc/self/ns/net") == sys.argv[1]:
        print("refusing: not in a new network namespace", file=sys.stderr)
        sys.exit(3)
""")


def host_netns() -> str:
    return os.readlink("/proc/self/ns/net")


def unshare(*flags: str) -> list[str]:
    """``unshare -n`` (``-rn`` when not root), or skip with the reason it cannot run."""
    tool = shutil.which("unshare")
    if tool is None or not Path("/proc/self/ns/net").exists():
        pytest.skip("util-linux `unshare` or network namespaces are not available")
    user = [] if os.geteuid() == 0 else ["-r"]
    cmd = [tool, *user, *flags]
    probe = subprocess.run([*cmd, "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"`{' '.join(cmd)}` is not permitted here: {probe.stderr.strip()}")
    return cmd


@pytest.fixture
def host_values():
    """The host's values of every watched key; the test asserts them unchanged after."""
    backend = ProcSys()
    if not (backend.root / "net").is_dir():
        pytest.skip("no Linux /proc/sys here")
    read = lambda: {k: backend.read_or_none(k) for k in WATCHED}  # noqa: E731
    before = read()
    yield before
    assert read() == before, "the host's sysctl values changed"


def run_child(cmd: list[str], script: str, *args: str) -> dict:
    proc = subprocess.run([*cmd, sys.executable, "-c", GUARD + script, host_netns(), *args],
                          capture_output=True, text=True, env=ENV, cwd=REPO, timeout=120)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{proc.stderr}"
    return json.loads(proc.stdout)


LIBRARY_CHILD = textwrap.dedent("""
    import json
    from pathlib import Path
    from hlopt.sysctl.apply import apply_states, revert
    from hlopt.sysctl.audit import Features, audit_keys
    from hlopt.sysctl.backend import ProcSys
    from hlopt.sysctl.knobs import Knob

    state = Path(sys.argv[2])
    backend = ProcSys()
    keys = ["net.core.somaxconn", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_tw_reuse",
            "net.ipv4.ip_local_port_range", "net.ipv4.tcp_max_syn_backlog"]
    read = lambda: {k: backend.read(k) for k in keys}
    before = read()
    wish = {
        "net.core.somaxconn": ">" + str(int(before["net.core.somaxconn"]) + 1111),
        "net.ipv4.tcp_fin_timeout": "<" + str(max(int(before["net.ipv4.tcp_fin_timeout"]) - 7, 1)),
        "net.ipv4.tcp_tw_reuse": "0" if before["net.ipv4.tcp_tw_reuse"] == "1" else "1",
        "net.ipv4.ip_local_port_range": "60000 1000",   # low above high: the kernel says EINVAL
        "net.ipv4.tcp_max_syn_backlog": ">" + str(int(before["net.ipv4.tcp_max_syn_backlog"]) + 7),
    }
    knobs = tuple(Knob(k, "test", "test", {"t": v}, kind="ints", per_netns=True) for k, v in wish.items())
    assert all(k.per_netns and k.key.startswith("net.") for k in knobs)
    states = audit_keys(backend, "t", knobs, Features.read(backend, None))
    applied = apply_states(backend, states, state, "t")
    during = read()
    saved = json.loads(state.read_text())
    reverted = revert(backend, state)
    print(json.dumps({
        "before": before, "wish": wish, "during": during, "after": read(), "saved": saved,
        "applied": [[f.code, f.message] for f in applied.findings],
        "reverted": [[f.code, f.message] for f in reverted.findings],
        "state_left": state.exists(),
    }))
""")


def test_apply_and_revert_in_a_fresh_network_namespace(host_values, tmp_path) -> None:
    got = run_child(unshare("-n"), LIBRARY_CHILD, str(tmp_path / "state.json"))
    before, during, wish = got["before"], got["during"], got["wish"]
    # the namespace starts with copies of the host's values
    for key, value in before.items():
        assert " ".join((host_values[key] or "").split()) == value
    assert during["net.core.somaxconn"] == wish["net.core.somaxconn"][1:]
    assert during["net.ipv4.tcp_fin_timeout"] == wish["net.ipv4.tcp_fin_timeout"][1:]
    assert during["net.ipv4.tcp_tw_reuse"] == wish["net.ipv4.tcp_tw_reuse"]
    assert during["net.ipv4.tcp_max_syn_backlog"] == wish["net.ipv4.tcp_max_syn_backlog"][1:]
    # the value the kernel rejected is reported, left as it was, and not in the state
    rejected = [m for code, m in got["applied"] if code == "HLK020"]
    assert len(rejected) == 1 and "ip_local_port_range = 60000 1000: EINVAL" in rejected[0]
    assert during["net.ipv4.ip_local_port_range"] == before["net.ipv4.ip_local_port_range"]
    assert sum(code == "HLK022" for code, _ in got["applied"]) == 4
    originals = {e["key"]: e["original"] for e in got["saved"]["entries"]}
    assert originals == {k: before[k] for k in before if k != "net.ipv4.ip_local_port_range"}
    # --revert restored every key inside the namespace and removed the state
    assert got["after"] == before
    assert [code for code, _ in got["reverted"]] == ["HLK022"] * 4
    assert not got["state_left"]


CLI_CHILD = textwrap.dedent("""
    import json, subprocess
    state = sys.argv[2]
    keys = sys.argv[3:]
    def hlopt(*args):
        p = subprocess.run([sys.executable, "-m", "hlopt", "sysctl", *args, "--state", state,
                            "--format", "json"], capture_output=True, text=True)
        return {"rc": p.returncode, "doc": json.loads(p.stdout) if p.stdout else None,
                "stderr": p.stderr}
    from hlopt.sysctl.backend import ProcSys
    read = lambda: {k: ProcSys().read_or_none(k) for k in keys}
    before = read()
    applied = hlopt("--profile", "web", "--netns-only", "--apply")
    during = read()
    reverted = hlopt("--revert")
    print(json.dumps({"before": before, "applied": applied, "during": during,
                      "reverted": reverted, "after": read()}))
""")


def test_cli_apply_and_revert_per_namespace_keys(host_values, tmp_path) -> None:
    netns_keys = [k.key for k in knobs_for("web") if k.per_netns]
    got = run_child(unshare("-n"), CLI_CHILD, str(tmp_path / "s.json"), *netns_keys)
    applied, reverted = got["applied"], got["reverted"]
    findings = applied["doc"]["findings"]
    rejected = {f["data"]["key"] for f in findings if f["code"] == "HLK020"}
    # a namespace may refuse a congestion control not in tcp_allowed_congestion_control
    assert rejected <= {"net.ipv4.tcp_congestion_control"}, applied
    assert applied["rc"] == (1 if rejected else 0), applied["stderr"]
    for knob in knobs_for("web"):
        if knob.per_netns and knob.key not in rejected and got["during"][knob.key] is not None:
            spec = Spec.parse(knob.values["web"], knob.kind)
            assert meets(spec, got["during"][knob.key], knob.kind) or \
                any(f["code"] == "HLK003" and f["data"]["key"] == knob.key for f in findings)
    assert got["during"]["net.core.somaxconn"] == "65535" or \
        int(got["before"]["net.core.somaxconn"]) > 65535
    assert reverted["rc"] == 0, reverted
    assert got["after"] == got["before"]


RO_SCRIPT = textwrap.dedent("""
    import json, subprocess
    state = sys.argv[2]
    for cmd in (["mount", "--bind", "/proc/sys", "/proc/sys"],
                ["mount", "-o", "remount,bind,ro", "/proc/sys"]):
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            print(json.dumps({"skip": " ".join(cmd) + " failed"}))
            sys.exit(0)
    base = [sys.executable, "-m", "hlopt", "sysctl", "-p", "web", "--netns-only"]
    apply = subprocess.run([*base, "--apply", "--state", state], capture_output=True, text=True)
    audit = subprocess.run([*base, "--format", "json"], capture_output=True, text=True)
    print(json.dumps({"apply_rc": apply.returncode, "apply_err": apply.stderr,
                      "audit": json.loads(audit.stdout)}))
""")


def test_read_only_proc_sys_in_a_private_mount_namespace(host_values, tmp_path) -> None:
    if shutil.which("mount") is None:
        pytest.skip("no `mount` tool")
    got = run_child(unshare("-m", "-n"), RO_SCRIPT, str(tmp_path / "s.json"))
    if "skip" in got:
        pytest.skip(f"cannot make /proc/sys read-only here: {got['skip']}")
    assert got["apply_rc"] == 2
    assert "/proc/sys is mounted read-only here" in got["apply_err"]
    assert not (tmp_path / "s.json").exists()
    assert "HLK015" in {f["code"] for f in got["audit"]["findings"]}


def test_apply_as_an_unprivileged_user_is_refused(host_values, tmp_path) -> None:
    base = [sys.executable, "-m", "hlopt", "sysctl", "-p", "web", "--netns-only", "--apply",
            "--state", str(tmp_path / "s.json")]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and util-linux `setpriv` is missing")
        cmd = [*unshare("-n"), setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
               *base]
        uid = 65534
    else:
        cmd, uid = base, os.geteuid()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=REPO, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert f"needs root (running as uid {uid}); nothing was changed" in proc.stderr
    assert "sudo hlopt sysctl --profile web --netns-only --apply" in proc.stderr
