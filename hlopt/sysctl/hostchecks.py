"""Host checks beyond sysctl: open-file limits, hugepages, CPU governor, container, kernel.

Every check reads files under :class:`Host` paths (``/proc``, ``/sys``, ``/``), so tests
point them at directories of their own.
"""

from __future__ import annotations

import gzip
import os
import resource
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.errors import InputError
from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.sysctl.knobs import Profile

#: qdisc name -> the kernel config option that builds it
QDISC_CONFIG: Mapping[str, str] = {
    "fq": "CONFIG_NET_SCH_FQ", "fq_codel": "CONFIG_NET_SCH_FQ_CODEL",
    "cake": "CONFIG_NET_SCH_CAKE", "sfq": "CONFIG_NET_SCH_SFQ",
}
UNLIMITED = -1


@dataclass(frozen=True)
class Host:
    """Where the host's state is read from (the real paths unless a test says otherwise)."""

    proc: Path = Path("/proc")
    sys: Path = Path("/sys")
    fs_root: Path = Path("/")
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class Limits:
    soft: int
    hard: int

    def show(self) -> str:
        return f"{_num(self.soft)} (hard {_num(self.hard)})"


def _num(n: int) -> str:
    return "unlimited" if n == UNLIMITED else str(n)


def own_nofile() -> Limits:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    inf = resource.RLIM_INFINITY
    return Limits(UNLIMITED if soft == inf else soft, UNLIMITED if hard == inf else hard)


def pid_nofile(host: Host, pid: int) -> Limits:
    """RLIMIT_NOFILE of another process, from /proc/PID/limits."""
    path = host.proc / str(pid) / "limits"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no process with pid {pid} ({path} does not exist)",
                         hint="give the pid of the running server, e.g. `pgrep -o gunicorn`"
                         ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}",
                         hint="run as the process's user or as root") from None
    for line in text.splitlines():
        if line.startswith("Max open files"):
            soft, hard = line[len("Max open files"):].split()[:2]
            return Limits(*(UNLIMITED if v == "unlimited" else int(v) for v in (soft, hard)))
    raise InputError(f"{path} has no 'Max open files' line", hint="is this a Linux /proc?")


def check_nofile(profile: Profile, limits: Limits, who: str, path: Path) -> list[Finding]:
    """HLK010 when the soft open-file limit is below the profile's."""
    want = profile.nofile
    if want is None or limits.soft == UNLIMITED or limits.soft >= want:
        return []
    if limits.hard == UNLIMITED or limits.hard >= want:
        how = (f"Raise the soft limit to {want}: `ulimit -n {want}`, or in the program "
               "`resource.setrlimit(RLIMIT_NOFILE, ...)` up to the hard limit")
    else:
        how = (f"Raise both limits to {want}: systemd `LimitNOFILE={want}`, docker "
               f"`--ulimit nofile={want}:{want}`, or limits.conf `nofile`")
    return [Finding(
        "HLK010", f"open-file limit of {who} is {limits.show()}, below the {profile.name} "
        f"profile's {want}", path=path, severity=Severity.WARNING,
        fix=Fix(how, Applicability.DISPLAY_ONLY),
        data={"who": who, "soft": limits.soft, "hard": limits.hard, "recommended": want})]


def thp_mode(host: Host) -> str | None:
    """The bracketed word of .../transparent_hugepage/enabled, None when absent."""
    text = _read(host.sys / "kernel/mm/transparent_hugepage/enabled")
    if text is None or "[" not in text:
        return None
    return text.split("[", 1)[1].split("]", 1)[0]


def check_thp(profile: Profile, host: Host) -> list[Finding]:
    mode = thp_mode(host)
    if profile.thp is None or mode is None or mode in profile.thp:
        return []
    path = host.sys / "kernel/mm/transparent_hugepage/enabled"
    return [Finding(
        "HLK011", f"transparent hugepages are '{mode}'; the {profile.name} profile wants "
        f"{' or '.join(profile.thp)}", path=path, severity=Severity.WARNING,
        fix=Fix(f"`echo {profile.thp[0]} > {path}` as root (and on the kernel command line: "
                f"transparent_hugepage={profile.thp[0]})", Applicability.DISPLAY_ONLY),
        data={"mode": mode, "recommended": list(profile.thp)})]


def governors(host: Host) -> Counter[str]:
    """Scaling governor -> number of CPUs using it (empty without cpufreq)."""
    found: Counter[str] = Counter()
    for path in sorted((host.sys / "devices/system/cpu").glob("cpu[0-9]*/cpufreq/"
                                                              "scaling_governor")):
        value = _read(path)
        if value:
            found[value] += 1
    return found


def check_governor(profile: Profile, host: Host) -> list[Finding]:
    if profile.governor is None:
        return []
    found = governors(host)
    where = host.sys / "devices/system/cpu"
    if not found:
        return [Finding(
            "HLK012", "no CPU frequency scaling is exposed here (a virtual machine or "
            "container): the governor is set by the host or hypervisor", path=where,
            severity=Severity.INFO, data={"governors": {}, "recommended": profile.governor})]
    other = {g: n for g, n in found.items() if g != profile.governor}
    if not other:
        return []
    shown = ", ".join(f"{g} on {n} CPU{'s' if n != 1 else ''}" for g, n in sorted(other.items()))
    return [Finding(
        "HLK012", f"CPU frequency governor is {shown}; the {profile.name} profile wants "
        f"'{profile.governor}'", path=where, severity=Severity.WARNING,
        fix=Fix(f"`cpupower frequency-set -g {profile.governor}` as root",
                Applicability.DISPLAY_ONLY),
        data={"governors": dict(found), "recommended": profile.governor})]


def hugepage_pools(host: Host) -> dict[str, int]:
    """Pool size (``2048kB``) -> pages reserved."""
    pools: dict[str, int] = {}
    for d in sorted((host.sys / "kernel/mm/hugepages").glob("hugepages-*")):
        value = _read(d / "nr_hugepages")
        if value is not None and value.isdigit():
            pools[d.name.removeprefix("hugepages-")] = int(value)
    return pools


def check_hugepages(profile: Profile, host: Host) -> list[Finding]:
    pools = hugepage_pools(host)
    if not profile.hugepages or not pools or any(pools.values()):
        return []
    sizes = ", ".join(pools)
    return [Finding(
        "HLK013", f"no huge pages are reserved (pools: {sizes}); a database's shared memory "
        "(PostgreSQL huge_pages) falls back to small pages", path=host.sys / "kernel/mm/hugepages",
        severity=Severity.INFO,
        fix=Fix("Reserve pages: `sysctl vm.nr_hugepages=N` sized to the shared buffers",
                Applicability.DISPLAY_ONLY), data={"pools": pools})]


def container_kind(host: Host) -> str | None:
    """docker, podman, kubernetes, lxc, or the ``container`` variable; None on a host."""
    if host.environ.get("container"):
        return host.environ["container"]
    if (host.fs_root / ".dockerenv").exists():
        return "docker"
    if (host.fs_root / "run/.containerenv").exists():
        return "podman"
    cgroup = _read(host.proc / "1/cgroup") or ""
    for marker, kind in (("kubepods", "kubernetes"), ("docker", "docker"),
                         ("containerd", "containerd"), ("lxc", "lxc")):
        if marker in cgroup:
            return kind
    return None


def check_container(host: Host) -> list[Finding]:
    kind = container_kind(host)
    if kind is None:
        return []
    return [Finding(
        "HLK014", f"running in a container ({kind}): host-global keys are the host's to set; "
        "per-namespace keys (net.ipv4.*, net.core.somaxconn) apply to this container only",
        path=host.fs_root, severity=Severity.INFO,
        fix=Fix("Set per-namespace keys with `docker run --sysctl KEY=VALUE` (or the pod's "
                "securityContext.sysctls) and global keys on the host",
                Applicability.DISPLAY_ONLY), data={"container": kind})]


def check_read_only(root: Path, read_only: bool) -> list[Finding]:
    if not read_only:
        return []
    return [Finding(
        "HLK015", f"{root} is mounted read-only: --apply cannot change anything here",
        path=root, severity=Severity.INFO,
        fix=Fix("Write a file with `--write FILE` and apply it where /proc/sys is writable "
                "(`sysctl -p FILE` on the host)", Applicability.DISPLAY_ONLY))]


def udp_errors(host: Host) -> dict[str, int]:
    """The Udp counters of /proc/net/snmp (RcvbufErrors, SndbufErrors, InErrors...)."""
    lines = [ln.split() for ln in (_read(host.proc / "net/snmp") or "").splitlines()
             if ln.startswith("Udp:")]
    if len(lines) < 2:
        return {}
    return {k: int(v) for k, v in zip(lines[0][1:], lines[1][1:], strict=False) if v.isdigit()}


def check_udp_errors(profile: Profile, host: Host) -> list[Finding]:
    counters = udp_errors(host)
    drops = counters.get("RcvbufErrors", 0)
    if not profile.udp or drops == 0:
        return []
    return [Finding(
        "HLK016", f"{drops} UDP datagrams were dropped since boot because a socket's receive "
        "buffer was full (RcvbufErrors)", path=host.proc / "net/snmp", severity=Severity.INFO,
        fix=Fix("Raise net.core.rmem_max and the server's SO_RCVBUF, and read faster "
                "(recvmmsg, more workers)", Applicability.DISPLAY_ONLY), data=counters)]


def kernel_config(host: Host) -> dict[str, str] | None:
    """The running kernel's build options from /proc/config.gz, None when not exposed."""
    try:
        raw = gzip.decompress((host.proc / "config.gz").read_bytes()).decode(errors="replace")
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    config: dict[str, str] = {}
    for line in raw.splitlines():
        if line.startswith("CONFIG_") and "=" in line:
            name, value = line.split("=", 1)
            config[name] = value
        elif line.startswith("# CONFIG_") and line.endswith(" is not set"):
            config[line[2:-len(" is not set")]] = "n"
    return config


def qdisc_available(name: str, config: Mapping[str, str] | None) -> bool | None:
    """True/False from the kernel config; None when it cannot be told."""
    option = QDISC_CONFIG.get(name)
    if name in ("pfifo_fast", "pfifo", "bfifo"):
        return True
    if option is None or config is None:
        return None
    return config.get(option, "n") in ("y", "m")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
