"""Which functions a run mutates: ``--only``, ``--changed-since``, ``--from-profile``,
``--from-nativize``, and which slice of the mutants one shard runs."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hlopt.core.errors import InputError, UsageError
from hlopt.core.files import read_report
from hlopt.mutate.model import Mutant, Options, Unit

NATIVIZE_BEGIN = re.compile(r"^# hlopt nativize: begin (?P<q>[\w.]+)", re.M)
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@", re.M)


def is_scoped(options: Options) -> bool:
    return bool(options.only or options.changed_since or options.from_profile
                or options.from_nativize)


def select_units(units: Sequence[Unit], options: Options, root: Path, cwd: Path
                 ) -> tuple[list[Unit], list[str]]:
    """The units every given scope option keeps (they intersect), and notes on why."""
    chosen = list(units)
    notes: list[str] = []
    if options.only:
        chosen = [u for u in chosen if any(matches(u, f, cwd) for f in options.only)]
        if not chosen:
            raise UsageError(f"--only {' '.join(options.only)}: no such function in the "
                             "mutated files", hint=f"functions there include: "
                             f"{', '.join(u.qualname for u in list(units)[:8])}")
    if options.changed_since:
        changed = changed_lines(root, options.changed_since, {u.path for u in chosen})
        chosen = [u for u in chosen if _touched(u, changed.get(u.path, ()))]
        notes.append(f"--changed-since {options.changed_since}: {len(chosen)} changed "
                     f"function(s)")
    if options.from_profile:
        wanted = profile_targets(options.from_profile, options.top, cwd, root)
        chosen = [u for u in chosen if (u.path, u.qualname) in wanted]
        notes.append(f"--from-profile: {len(chosen)} of the top {options.top} hot "
                     "function(s) are in the mutated files")
    if options.from_nativize:
        chosen = [u for u in chosen if u.qualname in nativized(u.path)]
        notes.append(f"--from-nativize: {len(chosen)} function(s) with a nativize shim "
                     "(their Python code is tested: the extensions are not imported)")
    return chosen, notes


def matches(unit: Unit, spec: str, cwd: Path) -> bool:
    """``name``, ``Class.method`` or ``path.py:qualname``."""
    if ":" in spec:
        path, _, qualname = spec.rpartition(":")
        p = Path(path)
        p = (p if p.is_absolute() else cwd / p).resolve()
        return p == unit.path and qualname == unit.qualname
    return spec == unit.qualname or spec == unit.qualname.rpartition(".")[2]


def changed_lines(root: Path, ref: str, paths: set[Path]) -> dict[Path, list[tuple[int, int]]]:
    """The new-side line ranges ``git diff REF`` shows for each file."""
    try:
        done = subprocess.run(["git", "-C", str(root), "diff", "-U0", "--no-color",
                               "--no-ext-diff", ref, "--", *map(str, sorted(paths))],
                              capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise InputError(f"--changed-since needs git: {exc.strerror}") from None
    if done.returncode != 0:
        raise InputError(f"--changed-since {ref}: git diff failed: "
                         f"{done.stderr.strip().splitlines()[-1] if done.stderr else ''}",
                         hint="give a branch, tag or commit of this repository")
    top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                         capture_output=True, text=True).stdout.strip()
    out: dict[Path, list[tuple[int, int]]] = {}
    current: Path | None = None
    for line in done.stdout.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = (Path(top) / name[2:]).resolve() if name.startswith("b/") else None
        elif current is not None and (m := _HUNK.match(line)):
            start, count = int(m["start"]), int(m["count"] or 1)
            out.setdefault(current, []).append((start, start + max(count, 1) - 1))
    return out


def _touched(unit: Unit, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a <= unit.end_line and b >= unit.first_line for a, b in ranges)


def profile_targets(report: Path, top: int, cwd: Path, root: Path) -> set[tuple[Path, str]]:
    """(file, qualname) of the top hot functions of an ``hlopt profile`` JSON report."""
    hint = "write one with `hlopt profile ... -o prof.json`"
    data = read_report(report, "profile", hint=hint)
    try:
        hot = [f["data"] for f in data["findings"]
               if f.get("code") == "HLH001" and f.get("data", {}).get("target")]
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{report}: not an hlopt profile report ({exc})", hint=hint) from None
    hot.sort(key=lambda d: d.get("rank") or 0)
    out: set[tuple[Path, str]] = set()
    for d in hot[:top]:
        path, _, qualname = str(d["target"]).rpartition(":")
        p = Path(path)
        candidates = [p] if p.is_absolute() else [cwd / p, root / p, report.parent / p]
        found = next((c.resolve() for c in candidates if c.is_file()), None)
        if found is not None:
            out.add((found, qualname.split(".<locals>")[0]))
    return out


def nativized(path: Path) -> set[str]:
    """Qualnames with a ``# hlopt nativize: begin`` shim in the module."""
    try:
        return {m["q"] for m in NATIVIZE_BEGIN.finditer(path.read_text(errors="replace"))}
    except OSError:
        return set()


def shard(mutants: list[Mutant], spec: tuple[int, int] | None) -> list[Mutant]:
    """Mutant i (in id order) goes to shard ``i mod N``: deterministic and balanced."""
    if spec is None:
        return mutants
    index, count = spec
    return [m for i, m in enumerate(mutants) if i % count == index - 1]


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` with 1 <= I <= N."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise UsageError(f"--shard {text!r}: expected I/N with 1 <= I <= N",
                         hint="for example --shard 2/3")
    return int(m[1]), int(m[2])
