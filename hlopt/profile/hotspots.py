"""Rank functions by where the time went: self and total share, calls, hottest lines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hlopt.profile.model import Frame, FunctionId, Profile, refine, resolve, source_line

#: functions below this self share are not reported as hot spots
MIN_SELF_SHARE = 0.005


@dataclass
class HotFunction:
    """One function's share of the run."""

    fid: FunctionId
    self_s: float
    total_s: float
    self_share: float
    total_share: float
    calls: int | None = None
    #: who counted the calls: ``cprofile`` or ``traced`` (the ``--memo`` pass)
    calls_source: str | None = None
    #: line -> [self seconds, total seconds]
    lines: dict[int, list[float]] = field(default_factory=dict)
    rank: int = 0

    def top_lines(self, n: int = 5) -> list[dict[str, object]]:
        """The ``n`` lines of this function that take the most time (inclusive)."""
        ranked = sorted(self.lines.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        base = self.total_s / self.total_share if self.total_share else 0.0
        out = []
        for line, (self_s, total_s) in ranked[:n]:
            out.append({
                "line": line,
                "self_share": round(self_s / base, 4) if base else 0.0,
                "total_share": round(total_s / base, 4) if base else 0.0,
                "source": source_line(self.fid.file, line),
            })
        return out


def aggregate(profile: Profile) -> list[HotFunction]:
    """Every function of the profile, hottest (by self time) first, ranks from 1."""
    if profile.exact:
        hot = _from_exact(profile)
    else:
        hot = _from_stacks(profile)
    hot.sort(key=lambda h: (-h.self_s, -h.total_s, h.fid.qualname))
    for i, h in enumerate(hot, 1):
        h.rank = i
    return hot


def hot_spots(ranked: list[HotFunction], top: int) -> list[HotFunction]:
    """The first ``top`` functions that take a visible share of the run themselves, with
    library functions named from their source."""
    chosen = [h for h in ranked if h.self_share >= MIN_SELF_SHARE][:top]
    for h in chosen:
        h.fid = refine(h.fid)
    return chosen


def _from_exact(profile: Profile) -> list[HotFunction]:
    total = profile.total_weight or 1.0
    return [HotFunction(fid, s.self_s, s.total_s, s.self_s / total, min(1.0, s.total_s / total),
                        calls=s.calls, calls_source=profile.engine)
            for fid, s in profile.exact.items()]


def _from_stacks(profile: Profile) -> list[HotFunction]:
    stacks: Counter[tuple[Frame, ...]] = Counter()
    for stack, weight in profile.samples:
        stacks[stack] += weight
    total = sum(stacks.values()) or 1.0
    self_s: Counter[FunctionId] = Counter()
    total_s: Counter[FunctionId] = Counter()
    lines: dict[FunctionId, dict[int, list[float]]] = {}
    cache: dict[Frame, FunctionId] = {}
    for stack, weight in stacks.items():
        if not stack:
            continue
        fids = [cache.get(f) or cache.setdefault(f, resolve(f)) for f in stack]
        for fid in set(fids):
            total_s[fid] += weight
        self_s[fids[-1]] += weight
        seen: set[tuple[FunctionId, int]] = set()
        for frame, fid in zip(stack, fids, strict=True):
            if frame.line and (fid, frame.line) not in seen:
                seen.add((fid, frame.line))
                lines.setdefault(fid, {}).setdefault(frame.line, [0.0, 0.0])[1] += weight
        if stack[-1].line:
            lines[fids[-1]][stack[-1].line][0] += weight
    return [HotFunction(fid, self_s[fid], t, self_s[fid] / total, t / total,
                        lines=lines.get(fid, {}))
            for fid, t in total_s.items()]

