"""The one report model every command returns: findings, metrics and artifacts.

The model is pure data. Renderers live in :mod:`hlopt.core.render`; the JSON form
(``Report.to_dict``) is the contract between commands, CI and agents and is documented
in ``docs/report-schema.md``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

#: Bump on any incompatible change to the JSON layout; additions keep the number.
SCHEMA_VERSION = 1


class Severity(enum.Enum):
    """How much a finding matters. ``INFO`` findings (advice) never fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(enum.Enum):
    """Whether a fix may be applied automatically (ruff's ``Applicability``)."""

    #: keeps the exact meaning (and comments); applied by ``--fix``
    SAFE = "safe"
    #: may change behaviour or drop comments; needs ``--unsafe-fixes``
    UNSAFE = "unsafe"
    #: a suggestion shown to the user, never applied
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two 1-based positions (end exclusive) with ``content``."""

    line: int
    col: int
    end_line: int
    end_col: int
    content: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "content": self.content,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Edit:
        return cls(
            int(data["line"]),
            int(data["col"]),
            int(data["end_line"]),
            int(data["end_col"]),
            str(data.get("content", "")),
        )


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that removes a finding; ``title`` is an order ("Remove unused import `os`")."""

    title: str
    applicability: Applicability
    edits: tuple[Edit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "applicability": self.applicability.value,
            "edits": [e.to_dict() for e in self.edits],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fix:
        return cls(
            title=str(data["title"]),
            applicability=Applicability(data["applicability"]),
            edits=tuple(Edit.from_dict(e) for e in data.get("edits", ())),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a command found, at a place in a file (or in the host, or a run)."""

    code: str
    message: str
    path: Path | None = None
    line: int | None = None
    col: int | None = None
    severity: Severity = Severity.WARNING
    fix: Fix | None = None
    #: 0-100 for heuristic findings (dead code); None where the finding is certain
    confidence: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    #: JSON-safe facts beyond the message (a hot function's shares, a regex's growth)
    data: Mapping[str, Any] | None = None

    @property
    def location(self) -> str:
        """``path:line:col`` with whatever parts are known."""
        parts = [str(self.path) if self.path is not None else "-"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def sort_key(self) -> tuple[int, int, str, int, int, str]:
        """By place; findings in a profile's hot function (``data["hot"]["rank"]``) first."""
        hot = self.data.get("hot") if self.data else None
        rank = hot.get("rank") if isinstance(hot, Mapping) else None
        first = (0, rank) if isinstance(rank, int) else (1, 0)
        return (*first, str(self.path or ""), self.line or 0, self.col or 0, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "path": str(self.path) if self.path is not None else None,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "severity": self.severity.value,
            "confidence": self.confidence,
            "fix": self.fix.to_dict() if self.fix else None,
            "data": dict(self.data) if self.data is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        path = data.get("path")
        fix = data.get("fix")
        return cls(
            code=str(data["code"]),
            message=str(data["message"]),
            path=Path(path) if path is not None else None,
            line=data.get("line"),
            col=data.get("col"),
            severity=Severity(data.get("severity", "warning")),
            fix=Fix.from_dict(fix) if fix else None,
            confidence=data.get("confidence"),
            end_line=data.get("end_line"),
            end_col=data.get("end_col"),
            data=data.get("data"),
        )


@dataclass(frozen=True, slots=True)
class Metric:
    """A before/after measurement. ``ratio`` is derived, never stored."""

    name: str
    unit: str
    before: float | None
    after: float | None
    #: which direction is an improvement: "lower" (time, bytes) or "higher" (score)
    better: str = "lower"
    #: confidence interval of the ratio, where it was measured with statistics
    ci: tuple[float, float] | None = None
    significant: bool | None = None
    #: the ratio as estimated with statistics (bench: the median of paired per-round
    #: ratios), the one ``ci`` belongs to; when set, ``ratio`` returns it
    estimate: float | None = None

    @property
    def ratio(self) -> float | None:
        """The statistical estimate when there is one, else after / before (None when
        either side is missing or before is zero)."""
        if self.estimate is not None:
            return self.estimate
        if self.before is None or self.after is None or self.before == 0:
            return None
        return self.after / self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "before": _json_number(self.before),
            "after": _json_number(self.after),
            "ratio": _json_number(self.ratio),
            "better": self.better,
            "ci": list(self.ci) if self.ci is not None else None,
            "significant": self.significant,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metric:
        ci = data.get("ci")
        metric = cls(
            name=str(data["name"]),
            unit=str(data.get("unit", "")),
            before=data.get("before"),
            after=data.get("after"),
            better=str(data.get("better", "lower")),
            ci=(float(ci[0]), float(ci[1])) if ci else None,
            significant=data.get("significant"),
        )
        ratio = data.get("ratio")
        if ratio is not None and ratio != metric.ratio:  # a stored statistical estimate
            return replace(metric, estimate=float(ratio))
        return metric


@dataclass(frozen=True, slots=True)
class Artifact:
    """A file a command produced: a chart, a flame graph, an extension, a log."""

    kind: str
    path: Path
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": str(self.path), "description": self.description}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Artifact:
        return cls(str(data["kind"]), Path(data["path"]), str(data.get("description", "")))


@dataclass
class Report:
    """What one command run found, measured and produced."""

    command: str
    target: str
    findings: list[Finding] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    duration_s: float = 0.0
    #: a command-level verdict that overrides the one derived from findings (e.g. --check)
    forced_exit: int | None = None
    #: free-form summary lines a renderer may show after the findings
    notes: list[str] = field(default_factory=list)
    #: a unified diff of what a write would change (``--diff``), "" when none was asked
    diff: str = ""

    @property
    def exit_code(self) -> int:
        """0 ok, 1 findings or a failed check, 2 input errors only, 3 internal error."""
        if any(f.code.startswith("HLX9") for f in self.findings):
            return 3
        if self.forced_exit is not None:
            return self.forced_exit
        if any(f.severity is not Severity.INFO for f in self.findings):
            return 1
        return 0

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def to_dict(self) -> dict[str, Any]:
        from hlopt import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "hlopt_version": __version__,
            "command": self.command,
            "target": self.target,
            "duration_s": round(self.duration_s, 6),
            "exit_code": self.exit_code,
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "metrics": [m.to_dict() for m in self.metrics],
            "artifacts": [a.to_dict() for a in self.artifacts],
            "notes": list(self.notes),
            "diff": self.diff,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Load a report written by ``to_dict`` (any hlopt version with the same schema)."""
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            from hlopt.core.errors import InputError

            raise InputError(
                f"report has schema_version {version!r}, this hlopt reads {SCHEMA_VERSION}"
            )
        exit_code = data.get("exit_code")
        report = cls(
            command=str(data["command"]),
            target=str(data["target"]),
            findings=[Finding.from_dict(f) for f in data.get("findings", ())],
            metrics=[Metric.from_dict(m) for m in data.get("metrics", ())],
            artifacts=[Artifact.from_dict(a) for a in data.get("artifacts", ())],
            duration_s=float(data.get("duration_s", 0.0)),
            notes=list(data.get("notes", ())),
            diff=str(data.get("diff", "")),
        )
        if isinstance(exit_code, int) and exit_code != report.exit_code:
            report.forced_exit = exit_code
        return report


def _json_number(value: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value
