"""The knob table is consistent data: profiles, specs, sources, namespaces."""

from __future__ import annotations

import pytest

from hlopt.sysctl.backend import is_valid_key
from hlopt.sysctl.knobs import KNOBS, PROFILES, SOURCES, knobs_for
from hlopt.sysctl.values import Spec, meets


def knob_by_key(key: str):
    return next((k for k in KNOBS if k.key == key), None)


REQUIRED_KEYS = {
    "net.core.somaxconn", "net.core.netdev_max_backlog", "net.core.rmem_max",
    "net.core.wmem_max", "net.core.rmem_default", "net.core.wmem_default",
    "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_fastopen",
    "net.ipv4.tcp_congestion_control", "net.core.default_qdisc", "net.core.busy_read",
    "net.core.busy_poll", "fs.file-max", "fs.nr_open", "vm.swappiness", "vm.max_map_count",
}


def test_the_issue_s_keys_and_profiles_are_all_there() -> None:
    assert REQUIRED_KEYS <= {k.key for k in KNOBS}
    assert set(PROFILES) == {"web", "udp", "latency", "throughput", "db"}
    for name in PROFILES:
        assert knobs_for(name), f"profile {name} sets no key"


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.key)
def test_each_knob_is_well_formed(knob) -> None:
    assert is_valid_key(knob.key)
    assert knob.what and knob.risk and knob.sources
    assert set(knob.sources) <= set(SOURCES)
    assert set(knob.values) <= set(PROFILES)
    assert knob.kind in ("int", "ints", "range", "word")
    for text in knob.values.values():
        spec = Spec.parse(text, knob.kind)
        assert meets(spec, spec.value, knob.kind), f"{knob.key}: {text} does not meet itself"
    if knob.kind == "word":
        assert knob.feature in ("tcp_cc", "qdisc")


def test_only_network_keys_are_per_namespace() -> None:
    for knob in KNOBS:
        if knob.per_netns:
            assert knob.key.startswith(("net.ipv4.", "net.core.somaxconn")), knob.key
    # global in every kernel: never claimed per-netns, so --netns-only cannot touch them
    for key in ("net.core.netdev_max_backlog", "net.core.rmem_max", "fs.file-max",
                "vm.swappiness", "net.core.default_qdisc"):
        knob = knob_by_key(key)
        assert knob is not None and not knob.per_netns


def test_removed_or_dangerous_keys_are_never_recommended() -> None:
    keys = {k.key for k in KNOBS}
    assert "net.ipv4.tcp_tw_recycle" not in keys  # removed in Linux 4.12, broke NAT
    assert knob_by_key("no.such.key") is None


def test_port_range_ends_have_different_parity() -> None:
    lo, hi = (int(x) for x in knob_by_key("net.ipv4.ip_local_port_range").values["web"].split())
    assert lo % 2 != hi % 2  # ip-sysctl.rst: "different parity" is preferred


def test_profiles_cite_known_sources() -> None:
    for profile in PROFILES.values():
        assert set(profile.sources) <= set(SOURCES)
        assert profile.summary
