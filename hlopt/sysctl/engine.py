"""``hlopt sysctl``: audit the host against a profile; write, apply or revert on request.

Exit codes (``Report.forced_exit``): the audit is informative and exits 0 even when keys
fall short; ``--check`` exits 1 when any key or host check falls short (after ``--apply``
when both are given); ``--apply``/``--revert`` exit 1 when a key was rejected, read back
different, or had changed since hlopt set it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from hlopt.core.errors import PrivilegeError, UsageError
from hlopt.core.report import Artifact, Finding, Report, Severity
from hlopt.sysctl import apply as applier
from hlopt.sysctl import hostchecks as hc
from hlopt.sysctl import state as statefile
from hlopt.sysctl import sysctld
from hlopt.sysctl.audit import SHORT, Features, KeyState, audit_keys, counts, key_findings, table
from hlopt.sysctl.backend import LIVE_ROOT, ProcSys
from hlopt.sysctl.knobs import KNOBS, PROFILES, Knob, Profile, profile_names
from hlopt.sysctl.options import Options


def euid() -> int:
    """The effective uid (a function so tests can play a non-root user)."""
    return os.geteuid()


def run(options: Options, *, host: hc.Host | None = None,
        knobs: Sequence[Knob] = KNOBS) -> Report:
    """Audit, and with the options write a file, apply, or revert; returns the report."""
    start = time.perf_counter()
    validate(options)
    backend = ProcSys(options.root or LIVE_ROOT)
    if not backend.root.is_dir():
        from hlopt.core.errors import InputError

        raise InputError(f"{backend.root} is not a directory",
                         hint="--root takes a copy of /proc/sys (see docs/sysctl.md)")
    if options.revert:
        report = _revert(options, backend)
    else:
        report = _profile_run(options, backend, host or hc.Host(), knobs)
    report.duration_s = time.perf_counter() - start
    return report


def validate(options: Options) -> None:
    if options.apply and options.revert:
        raise UsageError("--apply and --revert cannot be used together",
                         hint="apply a profile, or revert the last apply")
    if options.revert and (options.write is not None or options.check):
        raise UsageError("--revert takes no --write or --check",
                         hint="run the audit (with --check) after reverting")
    if options.pid is not None and options.root is not None:
        raise UsageError("--pid reads this host's /proc/PID/limits; it cannot go with --root",
                         hint="drop --pid when auditing a captured tree")
    if not options.revert:
        get_profile(options.profile)


def get_profile(name: str | None) -> Profile:
    known = ", ".join(profile_names())
    if name is None:
        raise UsageError("--profile is required", hint=f"choose one of: {known}")
    profile = PROFILES.get(name.lower())
    if profile is None:
        raise UsageError(f"unknown profile {name!r}", hint=f"known profiles: {known}")
    return profile


def _profile_run(options: Options, backend: ProcSys, host: hc.Host,
                 knobs: Sequence[Knob]) -> Report:
    profile = get_profile(options.profile)
    chosen = [k for k in knobs if k.per_netns or not options.netns_only]
    live = options.root is None
    if options.apply:
        require_writable(backend, _command_line(options, profile, "--apply"))
    features = Features.read(backend, hc.kernel_config(host) if live else None)
    states = audit_keys(backend, profile.name, chosen, features)
    report = Report("sysctl", f"{profile.name} profile on {backend.root}")
    if options.write is not None:
        _write(options.write, profile, states, backend, report)
    if options.apply:
        after = _apply(options, backend, profile, chosen, features, states, report)
        report.notes[:0] = _header(profile, backend, options, "after --apply") + table(after)
    else:
        report.findings += key_findings(states, backend, profile.name)
        report.notes += _header(profile, backend, options, "") + table(states)
        report.notes.append(_audit_summary(states, options))
        report.forced_exit = int(options.check and _falls_short(report.findings))
    _add_host_checks(report, profile, backend, host if live else None, options, features)
    return report


def _add_host_checks(report: Report, profile: Profile, backend: ProcSys, host: hc.Host | None,
                     options: Options, features: Features) -> None:
    """Host findings and the host line; a captured tree (host None) has none."""
    if host is None:
        report.notes.append("Host checks (limits, hugepages, governor, container) skipped: "
                            "--root reads a captured tree, not this host.")
        return
    found = _host_checks(profile, backend, host, options)
    report.findings += found
    if options.check and _falls_short(found):
        report.forced_exit = 1
    report.notes.append(_host_line(backend, host, features))


def _command_line(options: Options, profile: Profile, action: str) -> str:
    """The options to repeat in a hint: ``--profile web --netns-only --apply``."""
    parts = [f"--profile {profile.name}"]
    if options.netns_only:
        parts.append("--netns-only")
    return " ".join([*parts, action])


def require_writable(backend: ProcSys, what: str) -> None:
    """PrivilegeError (with what to run instead) unless --apply/--revert can write."""
    if backend.is_live and euid() != 0:
        alternative = ""
        if "--apply" in what:
            alternative = (", or persist the values with `hlopt sysctl "
                           f"{what.replace('--apply', '--write 90-hlopt.conf')}` and install "
                           "that file in /etc/sysctl.d/ as root")
        raise PrivilegeError(
            f"writing {backend.root} needs root (running as uid {euid()}); nothing was changed",
            hint=f"run `sudo hlopt sysctl {what}`{alternative}")
    if backend.is_read_only():
        raise PrivilegeError(
            f"{backend.root} is mounted read-only here (a container?); nothing was changed",
            hint="write a file with `--write FILE` and load it where /proc/sys is writable "
            "(`sysctl -p FILE` on the host); containers take per-namespace keys via "
            "`docker run --sysctl KEY=VALUE`")


def _apply(options: Options, backend: ProcSys, profile: Profile, knobs: Sequence[Knob],
           features: Features, states: list[KeyState], report: Report) -> list[KeyState]:
    """Apply, then audit again; the states after are what the table shows."""
    state_path = options.state or statefile.default_path(backend.root)
    out = applier.apply_states(backend, states, state_path, profile.name)
    report.findings += key_findings([s for s in states if s.status != SHORT], backend,
                                    profile.name) + out.findings
    report.metrics += out.metrics
    report.notes += out.notes
    after = audit_keys(backend, profile.name, knobs, features)
    still = [s for s in after if s.status == SHORT]
    if options.check:
        report.findings += key_findings(still, backend, profile.name)
    report.forced_exit = int(out.failed or (options.check and bool(still)))
    return after


def _revert(options: Options, backend: ProcSys) -> Report:
    require_writable(backend, "--revert" + (f" --state {options.state}" if options.state else ""))
    state_path = options.state or statefile.default_path(backend.root)
    out = applier.revert(backend, state_path)
    report = Report("sysctl", f"revert on {backend.root}", findings=out.findings,
                    metrics=out.metrics, notes=out.notes)
    report.forced_exit = int(out.failed)
    return report


def _write(path: Path, profile: Profile, states: list[KeyState], backend: ProcSys,
           report: Report) -> None:
    sysctld.write(path, sysctld.render(profile, states, root=backend.root))
    n = sum(1 for s in states if sysctld.value_for(s) is not None)
    report.artifacts.append(Artifact("sysctl.d", path, f"{n} keys of the {profile.name} "
                                     "profile, each explained; load with `sysctl -p`"))


def _host_checks(profile: Profile, backend: ProcSys, host: hc.Host,
                 options: Options) -> list[Finding]:
    found = hc.check_nofile(profile, hc.own_nofile(), "this process (and what its shell "
                            "starts)", host.proc / "self/limits")
    if options.pid is not None:
        limits = hc.pid_nofile(host, options.pid)
        found += hc.check_nofile(profile, limits, f"process {options.pid}",
                                 host.proc / str(options.pid) / "limits")
    found += hc.check_thp(profile, host) + hc.check_governor(profile, host)
    found += hc.check_hugepages(profile, host) + hc.check_container(host)
    found += hc.check_read_only(backend.root, backend.is_read_only())
    return found + hc.check_udp_errors(profile, host)


def _falls_short(findings: Sequence[Finding]) -> bool:
    return any(f.severity is not Severity.INFO for f in findings)


def _header(profile: Profile, backend: ProcSys, options: Options, when: str) -> list[str]:
    kernel = backend.read_or_none("kernel.osrelease") or "unknown kernel"
    scope = ", per-namespace keys only" if options.netns_only else ""
    when = f"; {when}" if when else ""
    return [f"{profile.name} profile ({profile.summary}) on {backend.root}, "
            f"kernel {kernel}{scope}{when}:"]


def _audit_summary(states: Sequence[KeyState], options: Options) -> str:
    c = counts(states)
    n_na = c["unavailable"] + c["unsupported"]
    gate = "--check exits 1 on shortfalls" if not options.check else "--check is on"
    return (f"{_n(c['ok'], 'key meets', 'keys meet')} the profile, {c['short']} "
            f"{'falls' if c['short'] == 1 else 'fall'} short, {n_na} not settable here. "
            f"Audit only: nothing was changed ({gate}; --apply writes, --write FILE persists).")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _host_line(backend: ProcSys, host: hc.Host, features: Features) -> str:
    own = hc.own_nofile()
    pools = " ".join(f"{size}={n}" for size, n in hc.hugepage_pools(host).items()) or "none"
    gov = ", ".join(sorted(hc.governors(host))) or "not exposed"
    cc = " ".join(sorted(features.congestion)) if features.congestion else "unknown"
    ro = "read-only" if backend.is_read_only() else "writable"
    return (f"Host: container {hc.container_kind(host) or 'no'}; {backend.root} {ro}; "
            f"THP {hc.thp_mode(host) or 'n/a'}; CPU governor {gov}; hugepages {pools}; "
            f"congestion control {cc}; open files {own.show()}.")
