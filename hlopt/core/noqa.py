"""``# noqa`` suppression: ``# noqa`` (every code) or ``# noqa: HLI001, HLD`` (codes or prefixes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hlopt.core.report import Finding

_PARSE_NOQA_RE = re.compile(r"[\s,]+")

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?",
                   re.IGNORECASE)

#: other linters' codes that mean the same intent (vulture maps flake8's codes the same way)
FOREIGN_CODES = {"F401": "HLI001", "F811": "HLI002"}

#: marker for a bare noqa comment, which suppresses every code on its line
ALL = frozenset({"*"})


@dataclass(frozen=True)
class NoqaMap:
    """Which codes are suppressed on which (1-based) line."""

    lines: dict[int, frozenset[str]]

    def suppresses(self, finding: Finding) -> bool:
        if finding.line is None or finding.code.startswith("HLX"):
            return False
        codes = self.lines.get(finding.line)
        if codes is None:
            return False
        return codes is ALL or any(finding.code.startswith(c) for c in codes)


def parse_noqa(text: str) -> NoqaMap:
    """Find every ``# noqa`` comment in ``text`` (a cheap scan: only lines that mention it)."""
    lines: dict[int, frozenset[str]] = {}
    if "noqa" not in text and "NOQA" not in text:
        return NoqaMap(lines)
    for lineno, line in enumerate(text.splitlines(), 1):
        if "noqa" not in line.lower():
            continue
        m = _NOQA.search(line)
        if m is None:
            continue
        codes = m.group("codes")
        if not codes:
            lines[lineno] = ALL
            continue
        named = [FOREIGN_CODES.get(c.upper(), c.upper()) for c in _PARSE_NOQA_RE.split(codes)]
        mine = frozenset(c for c in named if c.startswith("HL"))
        if mine:
            lines[lineno] = mine
    return NoqaMap(lines)
