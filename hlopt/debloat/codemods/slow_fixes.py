"""Apply the HLA and HLF fixes: small text edits at the positions ``ast`` gives, found again
by (key, rank) in the text being fixed.

A fix changes only the characters of the expression it rewrites (``[`` -> ``{``, a call
into ``await asyncio.sleep``, a loop into a comprehension), so the rest of the file stays
byte for byte, comments included; libcst is not needed to keep it. A finding's edits are
applied only while the file still has as many sites with its key as when it was analysed:
once fixed, the group is smaller and a second pass changes nothing. Edits that overlap an
edit already taken are dropped with their whole finding (the rewrite check then refuses
the file rather than half-fixing it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from hlopt.core.report import Finding

_NEWLINE = re.compile(r"\r\n|\r|\n")

#: (line, byte col, end line, end byte col, new text); lines 1-based, cols 0-based
TextEdit = tuple[int, int, int, int, str]


class Site(Protocol):
    key: str
    nth: int
    of: int
    fixable: bool
    edits: tuple[TextEdit, ...]


def rewrite(text: str, findings: Iterable[Finding], current: Sequence[Any]) -> str:
    """``text`` with the edits of the sites the findings name (see the module doc)."""
    chosen = _chosen(findings, current)
    if not chosen:
        return text
    starts = _line_starts(text)
    spans: list[tuple[int, int, int, str]] = []
    seen: set[tuple[int, int, str]] = set()
    taken: list[tuple[int, int]] = []
    order = sorted(chosen, key=lambda s: s.edits[-1][:2])
    for seq, site in enumerate(order):
        mine = [(_offset(text, starts, e[0], e[1]), _offset(text, starts, e[2], e[3]), e[4])
                for e in site.edits]
        new = [m for m in mine if m not in seen]
        if any(_overlaps(a, b, t) for a, b, _ in new for t in taken):
            continue
        seen.update(new)
        spans.extend((a, b, seq, c) for a, b, c in new)
        taken.extend((a, b) for a, b, _ in new if a != b)
    # inserts at one place land in the order of the sites that made them
    for start, end, _, content in sorted(spans, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def left_over(findings: Iterable[Finding], current: Sequence[Any]) -> list[str]:
    """Keys a fix was meant to remove that ``current`` still has too many of."""
    fixed: Counter[str] = Counter()
    of: dict[str, int] = {}
    for f in findings:
        d = f.data or {}
        if "key" in d:
            fixed[d["key"]] += 1
            of[d["key"]] = int(d["of"])
    now = Counter(s.key for s in current if s.fixable)
    return [f"`{key.split('|', 2)[-1]}` is still there" for key in fixed
            if now[key] > of[key] - fixed[key]]


def _chosen(findings: Iterable[Finding], current: Sequence[Any]) -> list[Site]:
    groups: dict[str, list[Site]] = {}
    for s in current:
        groups.setdefault(s.key, []).append(s)
    out: list[Site] = []
    for f in findings:
        d = f.data or {}
        group = groups.get(d.get("key", ""), [])
        nth = int(d.get("nth", -1))
        if len(group) == int(d.get("of", -1)) and 0 <= nth < len(group):
            site = group[nth]
            if site.fixable and site.edits and site not in out:
                out.append(site)
    return out


def _overlaps(a: int, b: int, taken: tuple[int, int]) -> bool:
    c, d = taken
    if a == b:
        return c < a < d
    return a < d and c < b


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def _offset(text: str, starts: list[int], line: int, byte_col: int) -> int:
    """The string index of a 1-based line and a UTF-8 byte column (as ``ast`` counts)."""
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    prefix = text[start:end].encode("utf-8")[:byte_col]
    return start + len(prefix.decode("utf-8", errors="ignore"))
