"""The read-only audit: each knob's current value against a profile, as states and findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.sysctl.backend import ProcSys, Unavailable
from hlopt.sysctl.hostchecks import qdisc_available
from hlopt.sysctl.knobs import SOURCES, Knob
from hlopt.sysctl.values import Spec, meets, target

OK, SHORT, UNAVAILABLE, UNSUPPORTED = "ok", "short", "unavailable", "unsupported"
_LABEL = {OK: "ok", SHORT: "SHORT", UNAVAILABLE: "n/a", UNSUPPORTED: "n/a"}


@dataclass(frozen=True)
class Features:
    """What the kernel offers beyond the key itself: congestion controls, qdiscs."""

    congestion: frozenset[str] | None = None
    kernel_config: Mapping[str, str] | None = None

    @classmethod
    def read(cls, backend: ProcSys, kernel_config: Mapping[str, str] | None) -> Features:
        available = backend.read_or_none("net.ipv4.tcp_available_congestion_control")
        cc = frozenset(available.split()) if available is not None else None
        return cls(cc, kernel_config)

    def missing(self, knob: Knob, value: str) -> str | None:
        """Why ``value`` cannot be set on this kernel, or None when it can (or is unknown)."""
        if knob.feature == "tcp_cc" and self.congestion is not None \
                and value not in self.congestion:
            offered = " ".join(sorted(self.congestion)) or "none"
            return f"'{value}' is not offered by this kernel (available: {offered})"
        if knob.feature == "qdisc" and qdisc_available(value, self.kernel_config) is False:
            return f"qdisc '{value}' is not built into this kernel"
        return None


@dataclass(frozen=True)
class KeyState:
    """One knob on this host: its value, the profile's wish, and the verdict."""

    knob: Knob
    spec: Spec
    current: str | None
    status: str
    #: the value --apply would write (None when nothing is to be written)
    target: str | None = None
    reason: str = ""


def audit_keys(backend: ProcSys, profile: str, knobs: Iterable[Knob],
               features: Features) -> list[KeyState]:
    return [audit_key(backend, profile, k, features) for k in knobs if profile in k.values]


def audit_key(backend: ProcSys, profile: str, knob: Knob, features: Features) -> KeyState:
    spec = Spec.parse(knob.values[profile], knob.kind)
    try:
        current = backend.read(knob.key)
    except Unavailable as exc:
        return KeyState(knob, spec, None, UNAVAILABLE, reason=exc.reason)
    if meets(spec, current, knob.kind):
        return KeyState(knob, spec, current, OK)
    missing = features.missing(knob, spec.value)
    if missing is not None:
        return KeyState(knob, spec, current, UNSUPPORTED, reason=missing)
    return KeyState(knob, spec, current, SHORT, target(spec, current, knob.kind))


def key_data(s: KeyState, profile: str) -> dict[str, Any]:
    """The JSON ``data`` of a key's finding: everything the table shows, and the sources."""
    return {
        "key": s.knob.key, "profile": profile, "current": s.current,
        "recommended": s.knob.values[profile], "mode": s.spec.mode, "target": s.target,
        "per_netns": s.knob.per_netns, "what": s.knob.what, "risk": s.knob.risk,
        "sources": [SOURCES[src][1] for src in s.knob.sources],
    }


def key_findings(states: Sequence[KeyState], backend: ProcSys, profile: str) -> list[Finding]:
    return [f for s in states if (f := key_finding(s, backend, profile)) is not None]


def key_finding(s: KeyState, backend: ProcSys, profile: str) -> Finding | None:
    path, data = backend.path(s.knob.key), key_data(s, profile)
    if s.status == SHORT:
        return Finding(
            "HLK001", f"{s.knob.key} is {s.current}; the {profile} profile wants "
            f"{s.spec.display()}", path=path, severity=Severity.WARNING,
            fix=Fix(f"Set `{s.knob.key} = {s.target}` (`--apply`, or persist with `--write`)",
                    Applicability.DISPLAY_ONLY), data=data)
    if s.status == UNAVAILABLE:
        return Finding("HLK002", f"{s.knob.key} is {s.reason}", path=path,
                       severity=Severity.INFO, data=data)
    if s.status == UNSUPPORTED:
        return Finding("HLK003", f"{s.knob.key} stays {s.current}: {s.reason}", path=path,
                       severity=Severity.INFO, data=data)
    return None


def table(states: Sequence[KeyState], *, explain: bool = True) -> list[str]:
    """The audit table as text lines: status, key, current, profile; why and risk if short."""
    width = max((len(s.knob.key) for s in states), default=10)
    lines = [f"  {'status':6}  {'key':{width}}  {'current':24}  profile"]
    for s in states:
        current = s.current if s.current is not None else "-"
        tail = f"  ({s.reason})" if s.reason else ""
        lines.append(f"  {_LABEL[s.status]:6}  {s.knob.key:{width}}  {current:24}  "
                     f"{s.spec.display()}{tail}")
        if explain and s.status == SHORT:
            scope = "per-netns" if s.knob.per_netns else "host-global"
            lines.append(f"  {'':6}  why ({scope}): {s.knob.what}")
            lines.append(f"  {'':6}  risk: {s.knob.risk}")
    return lines


def counts(states: Sequence[KeyState]) -> dict[str, int]:
    out = {OK: 0, SHORT: 0, UNAVAILABLE: 0, UNSUPPORTED: 0}
    for s in states:
        out[s.status] += 1
    return out
