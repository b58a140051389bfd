"""``--write FILE``: a sysctl.d file for a profile, each value explained in comments."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

from hlopt.core.errors import PrivilegeError
from hlopt.core.files import write_text_atomic
from hlopt.sysctl.audit import OK, SHORT, UNAVAILABLE, KeyState
from hlopt.sysctl.knobs import SOURCES, Profile
from hlopt.sysctl.values import RAISE, WIDEN


def render(profile: Profile, states: Sequence[KeyState], *, root: Path,
           now: float | None = None) -> str:
    """The file's text: a header, then one commented block per key."""
    from hlopt import __version__

    stamp = time.strftime("%Y-%m-%d", time.gmtime(now if now is not None else time.time()))
    lines = [
        f"# hlopt sysctl profile '{profile.name}': {profile.summary}.",
        f"# Written by hlopt {__version__} on {stamp} from the values of {root}.",
        "# Load now: sudo sysctl -p THIS_FILE   (at boot: place it in /etc/sysctl.d/)",
        "# Raise-only values never lower what this host already had higher; a '-' prefix",
        "# makes a key the kernel may lack a soft failure (sysctl.d(5)).",
    ]
    for s in states:
        lines += [""] + block(s)
    return "\n".join(lines) + "\n"


def block(s: KeyState) -> list[str]:
    """Comment lines and the assignment (commented out when the key cannot be set)."""
    k = s.knob
    scope = "per network namespace" if k.per_netns else "host-global"
    out = _comment(f"{k.key} ({scope}): {k.what}") + _comment(f"risk: {k.risk}")
    out.append(f"# profile: {s.spec.display()}{_mode_note(s)}; this host had "
               f"{s.current if s.current is not None else 'no such key'}")
    out += [f"# source: {SOURCES[src][1]}" for src in k.sources]
    value = value_for(s)
    prefix = "-" if k.feature else ""
    if s.status == UNAVAILABLE or value is None:
        out.append(f"# {k.key} = {s.spec.value}    # not set: {s.reason}")
    else:
        out.append(f"{prefix}{k.key} = {value}")
    return out


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 86, subsequent_indent="  ")]


def value_for(s: KeyState) -> str | None:
    """What the file sets: the apply target, or the current value where it already meets."""
    if s.status == SHORT:
        return s.target
    if s.status == OK:
        return s.current
    return None


def _mode_note(s: KeyState) -> str:
    if s.spec.mode == RAISE:
        return " (raise-only)"
    if s.spec.mode == WIDEN:
        return " (widen-only)"
    return ""


def write(path: Path, text: str) -> None:
    """Write the file atomically; a PrivilegeError naming sudo when the directory is not ours."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except PermissionError as exc:
        raise PrivilegeError(f"cannot write {path}: {exc.strerror}",
                             hint=f"run with sudo, or write elsewhere and `sudo cp` it to "
                             f"{path.parent}/") from None
    except OSError as exc:
        from hlopt.core.errors import InputError

        raise InputError(f"cannot write {path}: {exc.strerror}",
                         hint="give a path in a writable directory") from None
