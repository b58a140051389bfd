"""--write FILE: a sysctl.d file with comments, values that never lower the host."""

from __future__ import annotations

import re

import pytest

from hlopt.core.errors import PrivilegeError
from hlopt.sysctl import Options, run, sysctld
from hlopt.sysctl.audit import Features, audit_keys
from hlopt.sysctl.backend import ProcSys
from hlopt.sysctl.knobs import KNOBS, PROFILES

ASSIGNMENT = re.compile(r"^-?([a-z0-9_.\-]+) = (.+)$")


def _render(root, profile="web", config=None):
    backend = ProcSys(root)
    states = audit_keys(backend, profile, KNOBS, Features.read(backend, config))
    return sysctld.render(PROFILES[profile], states, root=root, now=0)


def _assignments(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            m = ASSIGNMENT.match(line)
            assert m, f"not a sysctl.d line: {line!r}"
            out[m.group(1)] = m.group(2)
    return out


def test_every_value_is_explained_and_sourced(proc_root) -> None:
    text = _render(proc_root({"net.ipv4.tcp_max_syn_backlog": "100000"}))
    assert text.startswith("# hlopt sysctl profile 'web'")
    assert "1970-01-01" in text
    values = _assignments(text)
    assert values["net.core.somaxconn"] == "65535"
    assert values["net.ipv4.ip_local_port_range"] == "10000 65535"
    assert values["net.ipv4.tcp_max_syn_backlog"] == "100000"  # raise-only keeps the higher
    block = text.split("\n\n")[1]
    assert block.startswith("# net.core.somaxconn (per network namespace): Caps the accept")
    assert "# risk: " in block and "# source: https://" in block
    assert "# profile: >= 65535 (raise-only); this host had 4096" in block


def test_feature_keys_get_a_soft_failure_prefix(proc_root) -> None:
    text = _render(proc_root(), config={"CONFIG_NET_SCH_FQ": "y"})
    assert "\n-net.core.default_qdisc = fq\n" in text


def test_keys_that_cannot_be_set_are_commented_out(proc_root) -> None:
    text = _render(proc_root({"net.ipv4.tcp_max_tw_buckets": None}))
    assert "# net.ipv4.tcp_max_tw_buckets = 262144    # not set: unavailable on this kernel" in text
    assert "# net.ipv4.tcp_congestion_control = bbr    # not set: 'bbr' is not offered" in text
    assert "net.ipv4.tcp_max_tw_buckets" not in _assignments(text)


def test_comment_lines_stay_short(proc_root) -> None:
    for line in _render(proc_root(), "udp").splitlines():
        if line.startswith(("# source:", "# Written by")):
            continue  # a URL or the tree's path is not wrapped
        assert len(line) <= 100, line


def test_write_option_writes_the_file_and_an_artifact(proc_root, tmp_path) -> None:
    out = tmp_path / "etc/sysctl.d/90-hlopt.conf"
    report = run(Options(profile="udp", root=proc_root(), write=out))
    assert out.read_text().startswith("# hlopt sysctl profile 'udp'")
    assert oct(out.stat().st_mode & 0o777) == "0o644"
    [artifact] = report.artifacts
    assert artifact.kind == "sysctl.d" and artifact.path == out
    assert report.exit_code == 0


def test_unwritable_destination_names_sudo(tmp_path, monkeypatch) -> None:
    def deny(path, text, mode=0o644):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sysctld, "write_text_atomic", deny)
    with pytest.raises(PrivilegeError, match="cannot write") as info:
        sysctld.write(tmp_path / "x.conf", "x")
    assert "sudo" in (info.value.hint or "")
