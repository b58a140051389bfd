"""``debloat --profile prof.json``: findings inside the profile's hot functions come first.

The profile is an ``hlopt profile --format json`` report; its HLH001 findings name the hot
functions (``data.file``, ``data.line``, ``data.qualname``, ``data.total_share``). Each hot
function's line range is read from its file, and every debloat finding inside one (the
innermost when they nest) gets ``data["hot"]`` and "in a hot function `f`: 42% of run time"
in its message. ``Finding.sort_key`` puts findings with ``data["hot"]["rank"]`` first,
hottest function first, in every renderer.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError
from hlopt.core.files import read_report
from hlopt.core.report import Finding

_HINT = "write one with `hlopt profile app.py --format json > prof.json`"


@dataclass(frozen=True)
class HotSpot:
    """A hot function of the profile and the lines its body spans."""

    path: Path
    start: int
    end: int
    qualname: str
    self_share: float
    total_share: float
    #: 1 for the function with the largest share of run time
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {"qualname": self.qualname, "rank": self.rank,
                "self_share": round(self.self_share, 4),
                "total_share": round(self.total_share, 4)}

    def contains(self, path: Path, line: int) -> bool:
        return self.start <= line <= self.end and path == self.path


def load(profile: Path, base: Path | None = None) -> list[HotSpot]:
    """The hot functions of a profile report whose source file exists (InputError if bad)."""
    try:
        stamp = profile.stat().st_mtime_ns
    except FileNotFoundError:
        raise InputError(f"{profile}: no such file", hint=_HINT) from None
    except OSError as exc:
        raise InputError(f"{profile}: cannot read it ({exc.strerror or exc})",
                         hint=_HINT) from None
    return list(_load(profile.resolve(), stamp, (base or Path.cwd()).resolve()))


@lru_cache(maxsize=8)
def _load(profile: Path, stamp: int, base: Path) -> tuple[HotSpot, ...]:
    doc = read_report(profile, "profile", hint=_HINT)
    hot = [f["data"] for f in doc["findings"] if isinstance(f, dict)
           and f.get("code") == "HLH001" and isinstance(f.get("data"), dict)]
    hot.sort(key=lambda d: -float(d.get("total_share") or 0.0))
    spots = []
    for d in hot:
        path = _locate(str(d.get("file") or ""), (base, Path.cwd(), profile.parent))
        line = d.get("line")
        if path is None or not isinstance(line, int):
            continue
        span = _span(path, line)
        if span is not None:
            spots.append(HotSpot(path, span[0], span[1], str(d.get("qualname") or "?"),
                                 float(d.get("self_share") or 0.0),
                                 float(d.get("total_share") or 0.0), len(spots) + 1))
    return tuple(spots)


def _locate(file: str, bases: tuple[Path, ...]) -> Path | None:
    if not file or file.startswith("<"):
        return None
    p = Path(file)
    for cand in ([p] if p.is_absolute() else [b / p for b in bases]):
        if cand.is_file():
            return cand.resolve()
    return None


@lru_cache(maxsize=256)
def _span(path: Path, line: int) -> tuple[int, int] | None:
    """(first, last) line of the function defined at ``line`` of ``path``."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if first <= line <= node.lineno:
                return first, node.end_lineno or node.lineno
    return None


def spot_at(spots: list[HotSpot], path: Path | None, line: int | None) -> HotSpot | None:
    """The innermost hot function holding ``path:line``."""
    if path is None or line is None or not spots:
        return None
    resolved = path.resolve()
    inside = [s for s in spots if s.contains(resolved, line)]
    return min(inside, key=lambda s: s.end - s.start) if inside else None


def annotate(finding: Finding, spot: HotSpot) -> Finding:
    """The finding with its hot function's share in its message and ``data["hot"]``."""
    if finding.data and "hot" in finding.data:
        return finding
    message = (f"{finding.message}; in a hot function `{spot.qualname}`: "
               f"{spot.total_share:.0%} of run time")
    return replace(finding, message=message, data={**(finding.data or {}), "hot": spot.to_dict()})


def order(findings: list[Finding], spots: list[HotSpot]) -> list[Finding]:
    """Findings annotated with their hot function, those in hot functions first."""
    out = []
    for f in findings:
        spot = spot_at(spots, f.path, f.line)
        out.append(annotate(f, spot) if spot is not None else f)
    return sorted(out, key=Finding.sort_key)
