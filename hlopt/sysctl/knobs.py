"""The knob table: every kernel setting hlopt audits, per profile, as plain data.

A profile value is written the way Red Hat's tuned writes it: ``">N"`` raises the key to N
only when it is lower (never lowers what an admin set higher), ``"<N"`` lowers it only when
it is higher, and a bare value is set exactly. A ``range`` key (two numbers) is only ever
widened. ``per_netns`` keys belong to a network namespace (a container can set its own);
the others are host-global. ``sources`` name entries of :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: id -> (title, url); every knob and profile cites some of these
SOURCES: Mapping[str, tuple[str, str]] = {
    "ip-sysctl": ("Linux kernel: IP sysctl", "https://docs.kernel.org/networking/ip-sysctl.html"),
    "net-sysctl": ("Linux kernel: /proc/sys/net",
                   "https://docs.kernel.org/admin-guide/sysctl/net.html"),
    "fs-sysctl": ("Linux kernel: /proc/sys/fs",
                  "https://docs.kernel.org/admin-guide/sysctl/fs.html"),
    "vm-sysctl": ("Linux kernel: /proc/sys/vm",
                  "https://docs.kernel.org/admin-guide/sysctl/vm.html"),
    "kernel-sysctl": ("Linux kernel: /proc/sys/kernel",
                      "https://docs.kernel.org/admin-guide/sysctl/kernel.html"),
    "transhuge": ("Linux kernel: transparent hugepage support",
                  "https://docs.kernel.org/admin-guide/mm/transhuge.html"),
    "cpufreq": ("Linux kernel: CPU performance scaling",
                "https://docs.kernel.org/admin-guide/pm/cpufreq.html"),
    "tcp7": ("tcp(7) manual page", "https://man7.org/linux/man-pages/man7/tcp.7.html"),
    "tuned-throughput": ("tuned profile throughput-performance",
                         "https://github.com/redhat-performance/tuned/blob/master/profiles/"
                         "throughput-performance/tuned.conf"),
    "tuned-latency": ("tuned profile latency-performance",
                      "https://github.com/redhat-performance/tuned/blob/master/profiles/"
                      "latency-performance/tuned.conf"),
    "tuned-net-latency": ("tuned profile network-latency",
                          "https://github.com/redhat-performance/tuned/blob/master/profiles/"
                          "network-latency/tuned.conf"),
    "tuned-net-throughput": ("tuned profile network-throughput",
                             "https://github.com/redhat-performance/tuned/blob/master/profiles/"
                             "network-throughput/tuned.conf"),
    "tw-reuse-commit": ("Linux commit 79e9fed46038: tcp_tw_reuse=2 (loopback only) default",
                        "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/"
                        "commit/?id=79e9fed460385a3d8ba0b5782e9e74405cb199b1"),
    "quic-go-buffers": ("quic-go: UDP buffer sizes",
                        "https://github.com/quic-go/quic-go/wiki/UDP-Buffer-Sizes"),
    "redis-admin": ("Redis administration (THP, somaxconn, overcommit)",
                    "https://redis.io/docs/latest/operate/oss_and_stack/management/admin/"),
    "es-max-map-count": ("Elasticsearch: virtual memory (vm.max_map_count)",
                         "https://www.elastic.co/guide/en/elasticsearch/reference/current/"
                         "vm-max-map-count.html"),
    "pg-kernel": ("PostgreSQL: managing kernel resources (huge pages, limits)",
                  "https://www.postgresql.org/docs/current/kernel-resources.html"),
    "sysctl-d": ("sysctl.d(5): the '-' prefix ignores a failed assignment",
                 "https://www.freedesktop.org/software/systemd/man/latest/sysctl.d.html"),
}


@dataclass(frozen=True)
class Knob:
    """One sysctl key: what it does, its risk, and the value each profile wants."""

    #: dotted key, as ``sysctl`` names it
    key: str
    #: what the setting does, one sentence
    what: str
    #: what can go wrong when it is raised (or lowered)
    risk: str
    #: profile name -> value spec (">N" raise-only, "<N" lower-only, "N" exact)
    values: Mapping[str, str]
    #: "int", "ints" (a vector such as tcp_rmem), "range" (two numbers, only widened), "word"
    kind: str = "int"
    #: True when each network namespace has its own value (settable in a container)
    per_netns: bool = False
    #: a kernel feature the value needs: "tcp_cc" (a congestion control) or "qdisc"
    feature: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """A workload: which knobs it sets (via ``Knob.values``) and which host checks it wants."""

    name: str
    summary: str
    #: recommended minimum soft RLIMIT_NOFILE of the serving process, None to skip the check
    nofile: int | None = None
    #: acceptable transparent hugepage modes, None when the profile does not care
    thp: tuple[str, ...] | None = None
    #: the CPU frequency governor the profile wants, None when it does not care
    governor: str | None = None
    #: True when the workload can use reserved huge pages (databases)
    hugepages: bool = False
    #: True when UDP receive errors in /proc/net/snmp matter
    udp: bool = False
    sources: tuple[str, ...] = field(default=())


PROFILES: Mapping[str, Profile] = {
    "web": Profile("web", "many TCP connections: web/API servers, proxies, clients making "
                   "many outbound connections", nofile=65536,
                   sources=("tuned-throughput", "tuned-net-throughput", "ip-sysctl")),
    "udp": Profile("udp", "high packet rates: QUIC, DNS, metrics, recvmmsg servers",
                   nofile=65536, udp=True, sources=("net-sysctl", "quic-go-buffers")),
    "latency": Profile("latency", "low and steady response time at moderate load",
                       thp=("madvise", "never"), governor="performance",
                       sources=("tuned-latency", "tuned-net-latency", "transhuge")),
    "throughput": Profile("throughput", "bulk transfer and batch work: high bandwidth, "
                          "large buffers", nofile=65536, governor="performance",
                          sources=("tuned-throughput", "tuned-net-throughput")),
    "db": Profile("db", "database and cache servers (PostgreSQL, Redis, Elasticsearch) on "
                  "the host", nofile=65536, thp=("madvise", "never"), hugepages=True,
                  sources=("redis-admin", "pg-kernel", "es-max-map-count")),
}

KNOBS: tuple[Knob, ...] = (
    Knob("net.core.somaxconn",
         "Caps the accept queue of every listening socket (the listen() backlog).",
         "A longer queue holds more waiting connections and adds queueing delay under "
         "overload; the server must also ask for it (gunicorn/uvicorn --backlog).",
         {"web": ">65535", "throughput": ">2048", "db": ">4096"},
         per_netns=True, sources=("ip-sysctl", "net-sysctl", "tuned-throughput", "redis-admin")),
    Knob("net.ipv4.tcp_max_syn_backlog",
         "Size of the queue of half-open connections (SYN received, handshake not done).",
         "More memory for half-open connections; with tcp_syncookies=1 an overflow falls "
         "back to cookies instead of dropping.",
         {"web": ">65535", "db": ">8192"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.tcp_syncookies",
         "Answers with SYN cookies when the SYN queue overflows (1 = only then).",
         "Cookies drop some TCP options of the flooded connections; 2 (always) is for tests.",
         {"web": "1"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.core.netdev_max_backlog",
         "Per-CPU queue of received packets waiting for the kernel when the NIC is faster.",
         "Memory, and longer queues add latency; it only helps when the second column of "
         "/proc/net/softnet_stat (drops) grows.",
         {"web": ">16384", "udp": ">65536", "throughput": ">16384"},
         sources=("net-sysctl",)),
    Knob("net.core.rmem_max",
         "Largest receive buffer a socket may request with SO_RCVBUF.",
         "Memory per socket that asks for it; without it setsockopt is silently clamped.",
         {"udp": ">33554432", "throughput": ">16777216"},
         sources=("net-sysctl", "quic-go-buffers")),
    Knob("net.core.wmem_max",
         "Largest send buffer a socket may request with SO_SNDBUF.",
         "Memory per socket that asks for it.",
         {"udp": ">33554432", "throughput": ">16777216"},
         sources=("net-sysctl", "quic-go-buffers")),
    Knob("net.core.rmem_default",
         "Receive buffer of every new socket that does not set SO_RCVBUF (UDP uses it).",
         "Raises the memory of every socket on the host, not only the busy ones.",
         {"udp": ">1048576"}, sources=("net-sysctl",)),
    Knob("net.core.wmem_default",
         "Send buffer of every new socket that does not set SO_SNDBUF.",
         "Raises the memory of every socket on the host.",
         {"udp": ">1048576"}, sources=("net-sysctl",)),
    Knob("net.ipv4.udp_rmem_min",
         "Receive buffer each UDP socket keeps even under memory pressure.",
         "A little memory per UDP socket.",
         {"udp": ">16384"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.udp_wmem_min",
         "Send buffer each UDP socket keeps even under memory pressure.",
         "A little memory per UDP socket.",
         {"udp": ">16384"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.tcp_rmem",
         "Minimum, default and maximum TCP receive buffer for autotuning.",
         "Large maxima need tcp_mem headroom and can add bufferbloat.",
         {"throughput": ">4096 131072 16777216"}, kind="ints", per_netns=True,
         sources=("ip-sysctl", "tuned-net-throughput")),
    Knob("net.ipv4.tcp_wmem",
         "Minimum, default and maximum TCP send buffer for autotuning.",
         "Large maxima need tcp_mem headroom and can add bufferbloat.",
         {"throughput": ">4096 16384 16777216"}, kind="ints", per_netns=True,
         sources=("ip-sysctl", "tuned-net-throughput")),
    Knob("net.ipv4.ip_local_port_range",
         "Ephemeral ports for outgoing connections (first and last port).",
         "A wider range can collide with services listening in it (reserve them in "
         "ip_local_reserved_ports); the kernel prefers the two ends of different parity.",
         {"web": "10000 65535"}, kind="range", per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.tcp_tw_reuse",
         "Reuses TIME_WAIT sockets for new outgoing connections (0 off, 1 on, 2 loopback "
         "only, the default since Linux 4.19).",
         "Needs TCP timestamps; only helps hosts that open many outbound connections. "
         "(tcp_tw_recycle, which broke NAT, was removed in 4.12 and is never set.)",
         {"web": "1"}, per_netns=True, sources=("ip-sysctl", "tw-reuse-commit")),
    Knob("net.ipv4.tcp_fin_timeout",
         "Seconds an orphaned connection waits in FIN-WAIT-2 (not TIME_WAIT, fixed at 60 s).",
         "Too low can drop the peer's late FIN; it does not shorten TIME_WAIT.",
         {"web": "<30"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.tcp_max_tw_buckets",
         "Maximum number of TIME_WAIT sockets before the kernel destroys new ones.",
         "Memory (a few hundred bytes each); too low logs 'time wait bucket table overflow'.",
         {"web": ">262144"}, per_netns=True, sources=("ip-sysctl",)),
    Knob("net.ipv4.tcp_slow_start_after_idle",
         "Shrinks the congestion window of a connection that was idle (1) or keeps it (0).",
         "A connection idle for long may burst into a congested path.",
         {"web": "0", "latency": "0", "throughput": "0"}, per_netns=True,
         sources=("ip-sysctl", "tuned-net-throughput")),
    Knob("net.ipv4.tcp_fastopen",
         "TCP Fast Open: data in the SYN (1 client, 2 server, 3 both).",
         "Some middleboxes drop such SYNs; a server must opt in per socket (TCP_FASTOPEN).",
         {"latency": "3"}, per_netns=True, sources=("ip-sysctl", "tuned-net-latency")),
    Knob("net.ipv4.tcp_notsent_lowat",
         "Limits unsent data queued in a TCP socket, so writers block earlier.",
         "More wake-ups of the writer; too low can cut throughput.",
         {"latency": "<16384", "throughput": "<131072"}, per_netns=True,
         sources=("ip-sysctl", "tuned-net-throughput")),
    Knob("net.ipv4.tcp_congestion_control",
         "Congestion control algorithm of new TCP connections.",
         "BBR (v1) can take bandwidth from CUBIC flows on shared links; set only where the "
         "kernel offers it (tcp_available_congestion_control).",
         {"web": "bbr", "throughput": "bbr"}, kind="word", per_netns=True, feature="tcp_cc",
         sources=("ip-sysctl", "tcp7")),
    Knob("net.core.default_qdisc",
         "Queueing discipline of new network devices; fq paces TCP flows (pairs with bbr).",
         "Needs the qdisc built in (CONFIG_NET_SCH_FQ); applies to devices created later.",
         {"web": "fq", "throughput": "fq"}, kind="word", feature="qdisc",
         sources=("net-sysctl",)),
    Knob("net.core.busy_read",
         "Microseconds a blocking socket read busy-polls the device before sleeping.",
         "Burns CPU on every waiting read; helps only when cores are spare.",
         {"latency": "50"}, sources=("net-sysctl", "tuned-net-latency")),
    Knob("net.core.busy_poll",
         "Microseconds poll()/select()/epoll busy-poll before sleeping.",
         "Burns CPU while waiting; helps only when cores are spare.",
         {"latency": "50"}, sources=("net-sysctl", "tuned-net-latency")),
    Knob("fs.file-max",
         "System-wide limit on open files.",
         "Little: the kernel default is already large; a process is limited by its own "
         "RLIMIT_NOFILE (ulimit -n, systemd LimitNOFILE), not by this.",
         {"web": ">1048576", "udp": ">1048576", "db": ">1048576"}, sources=("fs-sysctl",)),
    Knob("fs.nr_open",
         "Highest RLIMIT_NOFILE any process may set.",
         "Little; a larger per-process table uses memory only when a process opens the files.",
         {"web": ">1048576", "db": ">1048576"}, sources=("fs-sysctl",)),
    Knob("vm.swappiness",
         "How readily the kernel swaps anonymous memory instead of dropping page cache.",
         "0 can trigger the OOM killer earlier; low values keep cold anonymous pages in RAM.",
         {"latency": "<10", "throughput": "<10", "db": "<1"},
         sources=("vm-sysctl", "tuned-latency", "tuned-throughput")),
    Knob("vm.max_map_count",
         "Maximum number of memory map areas a process may have.",
         "Slightly more kernel memory per mapping-heavy process.",
         {"db": ">262144"}, sources=("vm-sysctl", "es-max-map-count")),
    Knob("vm.dirty_ratio",
         "Percent of memory that may be dirty before writers are throttled "
         "(reads 0 when vm.dirty_bytes is set).",
         "Higher means longer writeback stalls; lower means writers block sooner.",
         {"latency": "<10", "throughput": ">40"},
         sources=("vm-sysctl", "tuned-latency", "tuned-throughput")),
    Knob("vm.dirty_background_ratio",
         "Percent of memory dirty before background writeback starts.",
         "Higher delays writeback into larger bursts; lower writes more often.",
         {"latency": "<3", "throughput": ">10"},
         sources=("vm-sysctl", "tuned-latency", "tuned-throughput")),
    Knob("vm.stat_interval",
         "Seconds between updates of per-CPU VM statistics (jitter on every CPU).",
         "Statistics such as /proc/vmstat are less current.",
         {"latency": ">10"}, sources=("vm-sysctl", "tuned-net-latency")),
    Knob("kernel.numa_balancing",
         "Automatic NUMA page migration (scans and moves memory in the background).",
         "Without it, memory placement is left to the application and the first touch.",
         {"latency": "0", "db": "0"}, sources=("kernel-sysctl", "tuned-net-latency")),
    Knob("kernel.timer_migration",
         "Lets the kernel move timers to other (busy) CPUs to let idle ones sleep.",
         "Slightly more power use on idle CPUs.",
         {"latency": "0"}, sources=("kernel-sysctl", "tuned-net-latency")),
)


def profile_names() -> list[str]:
    return list(PROFILES)


def knobs_for(profile: str, knobs: tuple[Knob, ...] = KNOBS) -> list[Knob]:
    """The knobs a profile sets, in table order."""
    return [k for k in knobs if profile in k.values]
