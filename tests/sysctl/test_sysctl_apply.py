"""--apply and --revert on proc-root directories: state first, every key reported."""

from __future__ import annotations

import errno
import json
import os

import pytest

from hlopt.core.errors import InputError, PrivilegeError
from hlopt.sysctl import Options, engine, run
from hlopt.sysctl import state as statefile
from hlopt.sysctl.apply import apply_states, revert
from hlopt.sysctl.audit import Features, audit_keys
from hlopt.sysctl.backend import ProcSys
from hlopt.sysctl.knobs import KNOBS


class Kernel(ProcSys):
    """A proc-root backend that rejects some keys (EINVAL) and clamps others, like /proc."""

    def __init__(self, root, reject=(), clamp=None):
        super().__init__(root)
        self.reject, self.clamp, self.writes = set(reject), dict(clamp or {}), []

    def write(self, key: str, value: str) -> None:
        self.writes.append(key)
        if key in self.reject:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        super().write(key, self.clamp.get(key, value))


def _apply(backend, state_path, profile="web"):
    states = audit_keys(backend, profile, KNOBS, Features.read(backend, None))
    return apply_states(backend, states, state_path, profile)


def test_apply_writes_reads_back_and_saves_originals(proc_root, tmp_path, read_key) -> None:
    root = proc_root({"net.ipv4.tcp_max_syn_backlog": "100000"})
    state_path = tmp_path / "state.json"
    report = run(Options(profile="web", root=root, apply=True, state=state_path))
    assert report.exit_code == 0, [f.message for f in report.findings]
    assert read_key(root, "net.core.somaxconn") == "65535"
    assert read_key(root, "net.ipv4.ip_local_port_range") == "10000 65535"
    assert read_key(root, "net.ipv4.tcp_fin_timeout") == "30"
    # raise-only: the admin's higher value is left alone
    assert read_key(root, "net.ipv4.tcp_max_syn_backlog") == "100000"
    saved = json.loads(state_path.read_text())
    originals = {e["key"]: e["original"] for e in saved["entries"]}
    assert originals["net.core.somaxconn"] == "4096"
    assert "net.ipv4.tcp_max_syn_backlog" not in originals  # never written
    changed = [f for f in report.findings if f.code == "HLK022"]
    assert any(f.message == "net.core.somaxconn: 4096 -> 65535 (set)" for f in changed)
    metric = next(m for m in report.metrics if m.name == "net.core.somaxconn")
    assert (metric.before, metric.after, metric.better) == (4096, 65535, "higher")


def test_revert_restores_and_removes_the_state(proc_root, tmp_path, read_key) -> None:
    root = proc_root()
    before = {p: p.read_text() for p in root.rglob("*") if p.is_file()}
    state_path = tmp_path / "state.json"
    run(Options(profile="web", root=root, apply=True, state=state_path))
    assert read_key(root, "net.core.somaxconn") == "65535"
    report = run(Options(revert=True, root=root, state=state_path))
    assert report.exit_code == 0
    assert {p: " ".join(p.read_text().split()) for p in before} == \
        {p: " ".join(t.split()) for p, t in before.items()}
    assert not state_path.exists()
    assert any("restored" in f.message for f in report.findings)


def test_a_rejected_key_is_reported_and_the_others_applied(proc_root, tmp_path,
                                                           read_key) -> None:
    root = proc_root()
    backend = Kernel(root, reject={"net.ipv4.ip_local_port_range"})
    out = _apply(backend, tmp_path / "s.json")
    [bad] = [f for f in out.findings if f.code == "HLK020"]
    assert "net.ipv4.ip_local_port_range = 10000 65535" in bad.message and "EINVAL" in bad.message
    assert read_key(root, "net.core.somaxconn") == "65535"  # the next keys went on
    assert read_key(root, "net.ipv4.tcp_fin_timeout") == "30"
    assert out.failed
    saved = statefile.load(tmp_path / "s.json")
    assert "net.ipv4.ip_local_port_range" not in saved.entries  # nothing to restore
    assert "net.core.somaxconn" in saved.entries


def test_a_clamped_value_is_reported(proc_root, tmp_path) -> None:
    backend = Kernel(proc_root(), clamp={"net.core.somaxconn": "8192"})
    out = _apply(backend, tmp_path / "s.json")
    [f] = [f for f in out.findings if f.code == "HLK021"]
    assert f.message == "wrote net.core.somaxconn = 65535 but it reads back 8192"
    assert statefile.load(tmp_path / "s.json").entries["net.core.somaxconn"].written == "8192"


def test_state_is_saved_before_the_first_write(proc_root, tmp_path) -> None:
    state_path = tmp_path / "s.json"

    class Watch(Kernel):
        def write(self, key, value):
            assert state_path.exists(), "a key was written before the originals were saved"
            super().write(key, value)

    _apply(Watch(proc_root()), state_path)


def test_unwritable_state_changes_nothing(proc_root, tmp_path, monkeypatch) -> None:
    backend = Kernel(proc_root())

    def fail(path, state):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(statefile, "save", fail)
    with pytest.raises(PrivilegeError, match="nothing was changed"):
        _apply(backend, tmp_path / "s.json")
    assert backend.writes == []


def test_applying_twice_keeps_the_first_originals(proc_root, tmp_path, read_key) -> None:
    root = proc_root()
    state_path = tmp_path / "s.json"
    run(Options(profile="web", root=root, apply=True, state=state_path))
    (root / "net/core/somaxconn").write_text("1000\n")  # drifts below the profile again
    run(Options(profile="web", root=root, apply=True, state=state_path))
    assert statefile.load(state_path).entries["net.core.somaxconn"].original == "4096"
    run(Options(revert=True, root=root, state=state_path))
    assert read_key(root, "net.core.somaxconn") == "4096"


def test_revert_leaves_a_key_someone_changed_since(proc_root, tmp_path, read_key) -> None:
    root = proc_root()
    state_path = tmp_path / "s.json"
    run(Options(profile="web", root=root, apply=True, state=state_path))
    (root / "net/core/somaxconn").write_text("8192\n")
    report = run(Options(revert=True, root=root, state=state_path))
    [f] = [f for f in report.findings if f.code == "HLK023"]
    assert "now 8192" in f.message and "original was 4096" in f.message
    assert read_key(root, "net.core.somaxconn") == "8192"
    assert read_key(root, "net.ipv4.tcp_fin_timeout") == "60"  # the others restored
    assert report.exit_code == 1


def test_revert_keeps_failed_keys_to_retry(proc_root, tmp_path) -> None:
    root = proc_root()
    state_path = tmp_path / "s.json"
    _apply(ProcSys(root), state_path)
    out = revert(Kernel(root, reject={"net.core.somaxconn"}), state_path)
    assert out.failed
    assert list(statefile.load(state_path).entries) == ["net.core.somaxconn"]


def test_revert_without_state_says_so(proc_root, tmp_path) -> None:
    with pytest.raises(InputError, match="nothing to revert"):
        run(Options(revert=True, root=proc_root(), state=tmp_path / "none.json"))


def test_revert_refuses_a_state_of_another_root(proc_root, tmp_path) -> None:
    state_path = tmp_path / "s.json"
    run(Options(profile="web", root=proc_root(), apply=True, state=state_path))
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(InputError, match="was saved for"):
        run(Options(revert=True, root=other, state=state_path))


def test_revert_refuses_a_state_of_another_network_namespace(tmp_path, monkeypatch) -> None:
    state_path = tmp_path / "s.json"
    st = statefile.State(str(ProcSys().root), "net:[1]", "web")
    st.remember("net.core.somaxconn", "4096", "65535")
    statefile.save(state_path, st)
    monkeypatch.setattr(engine, "euid", lambda: 0)
    monkeypatch.setattr(statefile, "current_netns", lambda: "net:[2]")
    with pytest.raises(InputError, match="network namespace net:\\[1\\]"):
        run(Options(revert=True, state=state_path))


def test_malformed_state_is_an_input_error(tmp_path, proc_root) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"version": 1, "root": "x", "entries": [{"key": "../../etc/x", '
                    '"original": "1", "written": "2"}]}')
    with pytest.raises(InputError, match="malformed"):
        statefile.load(path)
    path.write_text("not json")
    with pytest.raises(InputError, match="s.json: not JSON"):
        statefile.load(path)


def test_default_state_paths(tmp_path) -> None:
    assert statefile.default_path(ProcSys().root) == statefile.DEFAULT_LIVE_STATE
    assert statefile.default_path(tmp_path / "snap") == tmp_path / "snap.hlopt-sysctl-state.json"


def test_nothing_to_apply(proc_root, tmp_path) -> None:
    root = proc_root({"net.ipv4.tcp_max_syn_backlog": "8192", "vm.swappiness": "1",
                      "vm.max_map_count": "262144", "kernel.numa_balancing": "0"})
    report = run(Options(profile="db", root=root, apply=True, state=tmp_path / "s.json"))
    assert report.exit_code == 0 and not (tmp_path / "s.json").exists()
    assert any("Nothing to apply" in n for n in report.notes)


def test_apply_with_check_fails_while_keys_stay_short(proc_root, tmp_path) -> None:
    root = proc_root()
    (root / "net/ipv4/ip_local_port_range").chmod(0o444)
    report = run(Options(profile="web", root=root, apply=True, check=True,
                         state=tmp_path / "s.json"))
    if os.geteuid() == 0:  # root ignores file modes: everything was applied
        assert report.exit_code == 0
    else:
        assert report.exit_code == 1
        assert any(f.code == "HLK001" for f in report.findings)
