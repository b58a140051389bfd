"""``--apply`` and ``--revert``: write keys one by one, read each back, keep the originals.

Nothing is half-applied silently: every key ends as a finding (changed, rejected, or read
back different), and the state file is saved before the first write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hlopt.core.errors import InputError, PrivilegeError
from hlopt.core.report import Finding, Metric, Severity
from hlopt.sysctl import state as statefile
from hlopt.sysctl.audit import SHORT, KeyState
from hlopt.sysctl.backend import ProcSys, WriteResult
from hlopt.sysctl.values import LOWER, same

#: codes that mean a write did not end as intended (they fail the run)
FAILURE_CODES = frozenset({"HLK020", "HLK021", "HLK023"})


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.code in FAILURE_CODES for f in self.findings)


def apply_states(backend: ProcSys, states: Sequence[KeyState], state_path: Path,
                 profile: str) -> Outcome:
    """Save the originals, then write each short key and read it back."""
    out = Outcome()
    planned = [s for s in states if s.status == SHORT and s.target is not None]
    if not planned:
        out.notes.append("Nothing to apply: every available key already meets the profile.")
        return out
    state = statefile.load_or_new(state_path, backend.root, profile)
    fresh = {s.knob.key for s in planned} - set(state.entries)
    for s in planned:
        state.remember(s.knob.key, s.current or "", s.target or "")
    _save(state_path, state)
    for s in planned:
        _apply_one(backend, s, state, fresh, out)
    _save(state_path, state)
    changed = sum(1 for f in out.findings if f.code == "HLK022")
    out.notes.append(f"Applied {changed} of {len(planned)} keys; originals saved in "
                     f"{state_path} (undo: hlopt sysctl --revert --state {state_path}).")
    out.notes.append("Applied values last until reboot: persist them with "
                     f"`hlopt sysctl --profile {profile} --write /etc/sysctl.d/90-hlopt.conf`.")
    return out


def _apply_one(backend: ProcSys, s: KeyState, state: statefile.State, fresh: set[str],
               out: Outcome) -> None:
    key, wanted = s.knob.key, s.target or ""
    result = backend.write_checked(key, wanted)
    if result.error is not None:
        out.findings.append(_rejected(backend, result, "set"))
        if key in fresh:
            del state.entries[key]  # never written: nothing to restore
        return
    if not result.ok:
        out.findings.append(_differs(backend, result))
        state.remember(key, s.current or "", result.read_back or "")
    else:
        out.findings.append(_changed(backend, key, s.current, wanted, "set"))
    _metric(out, key, s.current, result.read_back, lower=s.spec.mode == LOWER)


def revert(backend: ProcSys, state_path: Path) -> Outcome:
    """Restore every saved original hlopt's value still holds; keep what failed."""
    state = statefile.load(state_path)
    _check_same_place(state, backend, state_path)
    out = Outcome()
    for entry in list(state.entries.values()):
        if _revert_one(backend, entry, out):
            del state.entries[entry.key]
    _save(state_path, state)
    restored = sum(1 for f in out.findings if f.code == "HLK022")
    left = f"; {len(state.entries)} kept in {state_path} to retry" if state.entries else \
        f"; {state_path} removed"
    out.notes.append(f"Restored {restored} keys{left}.")
    return out


def _revert_one(backend: ProcSys, entry: statefile.Entry, out: Outcome) -> bool:
    """Restore one key; True when the entry is done with (restored or left on purpose)."""
    current = backend.read_or_none(entry.key)
    if current is not None and not same(current, entry.written):
        out.findings.append(Finding(
            "HLK023", f"{entry.key} changed since hlopt set it (now {current}, hlopt wrote "
            f"{entry.written}); left as is, the original was {entry.original}",
            path=backend.path(entry.key), severity=Severity.WARNING,
            data={"key": entry.key, "current": current, "written": entry.written,
                  "original": entry.original}))
        return True
    result = backend.write_checked(entry.key, entry.original)
    if result.error is not None:
        out.findings.append(_rejected(backend, result, "restore"))
        return False
    if not result.ok:
        out.findings.append(_differs(backend, result))
        return True
    out.findings.append(_changed(backend, entry.key, current, entry.original, "restored"))
    _metric(out, entry.key, current, result.read_back, lower=False)
    return True


def _check_same_place(state: statefile.State, backend: ProcSys, path: Path) -> None:
    if state.root != str(backend.root):
        raise InputError(f"state file {path} was saved for {state.root}, not {backend.root}",
                         hint=f"revert with `--root {state.root}` (or without --root for "
                         "/proc/sys)")
    here = statefile.current_netns()
    if backend.is_live and state.netns and here and state.netns != here:
        raise InputError(
            f"state file {path} was saved in network namespace {state.netns}, this process "
            f"runs in {here}", hint="run --revert where --apply ran (the same container or "
            "`ip netns exec NAME`); per-namespace keys differ between namespaces")


def _save(path: Path, state: statefile.State) -> None:
    try:
        statefile.save(path, state)
    except OSError as exc:
        raise PrivilegeError(
            f"cannot save the original values to {path}: {exc.strerror}; nothing was changed",
            hint="pass a writable `--state FILE`") from None


def _rejected(backend: ProcSys, r: WriteResult, verb: str) -> Finding:
    return Finding("HLK020", f"kernel rejected {r.key} = {r.wanted}: {r.error}",
                   path=backend.path(r.key), severity=Severity.ERROR,
                   data={"key": r.key, "value": r.wanted, "error": r.error, "action": verb})


def _differs(backend: ProcSys, r: WriteResult) -> Finding:
    return Finding("HLK021", f"wrote {r.key} = {r.wanted} but it reads back {r.read_back}",
                   path=backend.path(r.key), severity=Severity.WARNING,
                   data={"key": r.key, "value": r.wanted, "read_back": r.read_back})


def _changed(backend: ProcSys, key: str, before: str | None, after: str, verb: str) -> Finding:
    return Finding("HLK022", f"{key}: {before} -> {after} ({verb})", path=backend.path(key),
                   severity=Severity.INFO,
                   data={"key": key, "before": before, "after": after, "action": verb})


def _metric(out: Outcome, key: str, before: str | None, after: str | None,
            *, lower: bool) -> None:
    """A before/after metric for single-number keys (vectors and words have none)."""
    try:
        b, a = int(before or ""), int(after or "")
    except ValueError:
        return
    out.metrics.append(Metric(key, "", float(b), float(a), better="lower" if lower else "higher"))
