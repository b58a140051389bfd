"""Rules of the HLK family: kernel and host settings, reported by ``hlopt sysctl``."""

from __future__ import annotations

from textwrap import dedent

from hlopt.core.rules import Rule, register

_NO_FIX = ("There is no source fix. The suggestion is display-only; `hlopt sysctl --apply` "
           "writes sysctl keys (root, originals saved for `--revert`), other settings are "
           "left to the admin.")
_DOCS = "- docs/sysctl.md (profiles, their values and sources)"


def _doc(what: str, why: str, example: str, instead: str, refs: str,
         safety: str = _NO_FIX) -> str:
    return (
        f"## What it does\n{dedent(what).strip()}\n\n"
        f"## Why is this bad?\n{dedent(why).strip()}\n\n"
        f"## Example\n```console\n{dedent(example).strip()}\n```\n\n"
        f"## Use instead\n```console\n{dedent(instead).strip()}\n```\n\n"
        f"## Fix safety\n{dedent(safety).strip()}\n\n"
        f"## References\n{_DOCS}\n{dedent(refs).strip()}\n"
    )


def _rule(code: str, name: str, summary: str, doc: str) -> Rule:
    return Rule(code=code, name=name, summary=summary, doc=doc, command="sysctl")


_APPLY_SAFETY = (
    "`--apply` writes the value shown (raise-only keys never lower a value the admin set "
    "higher), saves the original first and reads the key back; `--revert` restores it. "
    "Nothing is changed by the audit itself.")

RULES = (
    _rule("HLK001", "sysctl-below-profile",
          "A sysctl key falls short of the chosen profile's value",
          _doc("Compares a kernel setting with the value the profile (web, udp, latency, "
               "throughput, db) recommends, with tuned's semantics: `>N` means at least N, "
               "`<N` at most N, a port range at least as wide.",
               "The code can be perfect and the host still drops connections: an accept "
               "queue capped at 4096, UDP buffers clamped at 4 MiB, or swapping under load. "
               "The message names the current value and the profile's; the data carries "
               "what the key does, its risk and its sources.",
               "$ hlopt sysctl --profile web\n/proc/sys/net/core/somaxconn: HLK001 "
               "net.core.somaxconn is 4096; the web profile wants >= 65535",
               "$ sudo hlopt sysctl --profile web --apply\n"
               "$ hlopt sysctl --profile web --write /etc/sysctl.d/90-hlopt.conf",
               "- https://docs.kernel.org/networking/ip-sysctl.html\n"
               "- https://github.com/redhat-performance/tuned (profiles/*/tuned.conf)",
               _APPLY_SAFETY)),
    _rule("HLK002", "sysctl-key-unavailable",
          "A key of the profile does not exist (or cannot be read) on this kernel",
          _doc("Reports a profile key that is absent under /proc/sys (an older kernel, a "
               "feature not built, or a network namespace that does not expose a global key).",
               "It is not an error: the key is simply not settable here, and `--apply` skips "
               "it. On a container it often means the key belongs to the host.",
               "$ hlopt sysctl --profile latency\n/proc/sys/net/core/busy_read: HLK002 "
               "net.core.busy_read is unavailable on this kernel",
               "Set the key on the host, or ignore it.",
               "- https://docs.kernel.org/admin-guide/sysctl/net.html")),
    _rule("HLK003", "sysctl-value-not-offered",
          "The profile's value needs a kernel feature this kernel lacks (bbr, fq)",
          _doc("Reports a key whose recommended value the kernel cannot take: a congestion "
               "control not listed in `net.ipv4.tcp_available_congestion_control`, or a "
               "qdisc not built into the kernel (from /proc/config.gz).",
               "Writing it would fail; hlopt leaves the key as it is instead.",
               "$ hlopt sysctl --profile web\nHLK003 net.core.default_qdisc stays pfifo_fast: "
               "qdisc 'fq' is not built into this kernel",
               "Load the module (`modprobe tcp_bbr`, `modprobe sch_fq`) or use a kernel "
               "that has it, then run the audit again.",
               "- https://docs.kernel.org/networking/ip-sysctl.html (tcp_congestion_control)")),
    _rule("HLK010", "open-file-limit-low",
          "A process's soft RLIMIT_NOFILE is below the profile's",
          _doc("Reads the open-file limit of hlopt's own process (what its shell passes on) "
               "and, with `--pid N`, of a running server (/proc/N/limits).",
               "Every connection is a file descriptor: a server at 1024 or 4096 fails with "
               "EMFILE ('Too many open files') long before the kernel's fs.file-max matters.",
               "$ hlopt sysctl --profile web --pid 4242\n/proc/4242/limits: HLK010 open-file "
               "limit of process 4242 is 1024 (hard 4096), below the web profile's 65536",
               "# systemd unit\n[Service]\nLimitNOFILE=65536",
               "- https://docs.kernel.org/admin-guide/sysctl/fs.html (nr_open)")),
    _rule("HLK011", "transparent-hugepages-always",
          "Transparent hugepages are in a mode the profile advises against",
          _doc("Reads /sys/kernel/mm/transparent_hugepage/enabled for the latency and db "
               "profiles, which want `madvise` or `never`.",
               "With `always`, khugepaged and compaction can stall allocations, and forked "
               "processes (Redis background saves) copy whole 2 MiB pages.",
               "$ cat /sys/kernel/mm/transparent_hugepage/enabled\n[always] madvise never",
               "$ echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled",
               "- https://docs.kernel.org/admin-guide/mm/transhuge.html\n"
               "- https://redis.io/docs/latest/operate/oss_and_stack/management/admin/")),
    _rule("HLK012", "cpu-governor-not-performance",
          "CPUs run a frequency governor other than the profile's (or none is exposed)",
          _doc("Reads scaling_governor of every CPU for the latency and throughput profiles.",
               "Power-saving governors ramp the clock up after load arrives, which shows as "
               "latency spikes and lower throughput in short bursts.",
               "$ cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor\npowersave",
               "$ sudo cpupower frequency-set -g performance",
               "- https://docs.kernel.org/admin-guide/pm/cpufreq.html")),
    _rule("HLK013", "hugetlb-pool-empty",
          "No huge pages are reserved for a database profile",
          _doc("Reads /sys/kernel/mm/hugepages/*/nr_hugepages for the db profile.",
               "Databases with large shared memory (PostgreSQL `huge_pages=try`) fall back to "
               "small pages and pay more TLB misses and page-table memory.",
               "$ grep HugePages_Total /proc/meminfo\nHugePages_Total:       0",
               "$ sudo sysctl vm.nr_hugepages=4096   # sized to shared_buffers",
               "- https://www.postgresql.org/docs/current/kernel-resources.html")),
    _rule("HLK014", "running-in-container",
          "hlopt runs in a container: global keys belong to the host",
          _doc("Detects docker, podman, kubernetes, lxc (/.dockerenv, /run/.containerenv, "
               "/proc/1/cgroup, the `container` variable).",
               "Host-global keys (vm.*, fs.*, net.core.netdev_max_backlog) cannot be set from "
               "a container; per-namespace keys (net.ipv4.*, net.core.somaxconn) apply only "
               "to the container's own network namespace.",
               "$ hlopt sysctl --profile web   # inside docker",
               "$ docker run --sysctl net.core.somaxconn=65535 ...\n"
               "$ hlopt sysctl --profile web --netns-only --apply",
               "- https://docs.docker.com/reference/cli/docker/container/run/#sysctl")),
    _rule("HLK015", "proc-sys-read-only",
          "/proc/sys is mounted read-only, so nothing can be applied here",
          _doc("Checks whether the sysctl root is on a read-only mount.",
               "Unprivileged containers mount /proc/sys read-only; `--apply` would fail on "
               "every key, so hlopt refuses before saving any state.",
               "$ hlopt sysctl --profile web --apply\nhlopt: error: /proc/sys is mounted "
               "read-only here (a container?); nothing was changed",
               "$ hlopt sysctl --profile web --write 90-hlopt.conf   # then load it on the host",
               "- https://www.freedesktop.org/software/systemd/man/latest/sysctl.d.html")),
    _rule("HLK016", "udp-receive-buffer-errors",
          "UDP datagrams were dropped because a socket's receive buffer was full",
          _doc("Reads the Udp RcvbufErrors counter of /proc/net/snmp for the udp profile.",
               "Each error is a datagram the kernel dropped: the server read too slowly or "
               "its SO_RCVBUF was clamped by net.core.rmem_max.",
               "$ grep Udp: /proc/net/snmp",
               "$ sudo sysctl net.core.rmem_max=33554432   # and raise SO_RCVBUF in the server",
               "- https://docs.kernel.org/admin-guide/sysctl/net.html\n"
               "- https://github.com/quic-go/quic-go/wiki/UDP-Buffer-Sizes")),
    _rule("HLK020", "sysctl-write-rejected",
          "The kernel rejected a value hlopt tried to write",
          _doc("Reports a key whose write(2) failed during `--apply` or `--revert` (EINVAL "
               "for a malformed value, EPERM where a namespace may not change it, EROFS on "
               "a read-only mount). The other keys are still written.",
               "The key keeps its old value; a run that reports it exits 1 so a "
               "provisioning step does not pass silently.",
               "HLK020 kernel rejected net.ipv4.ip_local_port_range = 60000 1000: EINVAL "
               "(Invalid argument)",
               "Fix the value, or set it where the kernel allows it (the host, not a container).",
               "- https://docs.kernel.org/networking/ip-sysctl.html", _APPLY_SAFETY)),
    _rule("HLK021", "sysctl-read-back-differs",
          "A key accepted a write but reads back a different value",
          _doc("After each write hlopt reads the key again; the kernel may clamp or "
               "round a value (a maximum, a page multiple).",
               "The host does not hold the value the profile asked for; the report says "
               "what it holds instead.",
               "HLK021 wrote net.core.somaxconn = 99999999999 but it reads back 4096",
               "Use a value within the key's documented range.",
               "- https://docs.kernel.org/admin-guide/sysctl/", _APPLY_SAFETY)),
    _rule("HLK022", "sysctl-changed",
          "A key was changed by --apply or restored by --revert",
          _doc("Records each write hlopt made, with the value before and after.",
               "It is not a problem: it is the audit trail of what `--apply` and `--revert` "
               "did, so nothing changes silently.",
               "HLK022 net.core.somaxconn: 4096 -> 65535 (set)",
               "$ sudo hlopt sysctl --revert",
               "- https://github.com/redhat-performance/tuned (plugin_sysctl: originals "
               "stored and restored)", _APPLY_SAFETY)),
    _rule("HLK023", "sysctl-changed-since-apply",
          "A key hlopt set was changed by someone else before --revert",
          _doc("On `--revert`, compares each key with the value hlopt wrote.",
               "Restoring the original would undo someone else's later change, so hlopt "
               "leaves the key and reports the original for a manual decision.",
               "HLK023 net.core.somaxconn changed since hlopt set it (now 8192, hlopt wrote "
               "65535); left as is, the original was 4096",
               "$ sudo sysctl net.core.somaxconn=4096   # if the original is wanted",
               "- docs/sysctl.md (revert)")),
)

register(*RULES)
