"""The report JSON (docs/report-schema.md) as TypedDicts: every tool's output schema.

Extra keys are allowed on every object, because a schema_version 1 document may gain
fields; the MCP structured output must stay equal to ``hlopt CMD --format json``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs it below Python 3.12

_OPEN = ConfigDict(extra="allow")
Number = int | float


@with_config(_OPEN)
class Edit(TypedDict):
    """Replace the text between two 1-based positions (end exclusive) with ``content``."""

    line: int
    col: int
    end_line: int
    end_col: int
    content: str


@with_config(_OPEN)
class Fix(TypedDict):
    """How to remove a finding."""

    title: Annotated[str, Field(description='an order ("Remove unused import `os`")')]
    applicability: Annotated[
        Literal["safe", "unsafe", "display-only"],
        Field(description="safe: applied by fix; unsafe: needs unsafe_fixes; display-only: "
                          "a suggestion never applied"),
    ]
    edits: Annotated[list[Edit], Field(description="text edits, where computed up front")]


@with_config(_OPEN)
class Finding(TypedDict):
    """One thing a command found, at a place in a file (or in the host, or a run)."""

    code: Annotated[str, Field(description="rule code, e.g. HLI001 (`hlopt explain CODE`)")]
    message: Annotated[str, Field(description="a statement of fact")]
    path: Annotated[str | None, Field(description="file, relative as given")]
    line: Annotated[int | None, Field(description="1-based start line")]
    col: Annotated[int | None, Field(description="1-based start column")]
    end_line: int | None
    end_col: int | None
    severity: Annotated[Literal["error", "warning", "info"],
                        Field(description="info is advice and never fails a run")]
    confidence: Annotated[int | None, Field(description="0-100 for heuristic findings")]
    fix: Fix | None
    data: Annotated[dict[str, Any] | None, Field(description="command-specific facts")]


@with_config(_OPEN)
class Metric(TypedDict):
    """A before/after measurement; ``ratio`` is after / before."""

    name: str
    unit: str
    before: Number | None
    after: Number | None
    ratio: Number | None
    better: Annotated[Literal["lower", "higher"],
                      Field(description="which direction is an improvement")]
    ci: Annotated[list[Number] | None,
                  Field(description="[low, high] confidence interval of the ratio")]
    significant: bool | None


@with_config(_OPEN)
class Artifact(TypedDict):
    """A file the command wrote: a chart, a flame graph, an extension, a log."""

    kind: str
    path: str
    description: str


@with_config(_OPEN)
class Report(TypedDict):
    """An hlopt report: the same document ``hlopt CMD --format json`` prints."""

    schema_version: Annotated[int, Field(description="layout version of this document (1)")]
    hlopt_version: str
    command: str
    target: Annotated[str, Field(description="what the command ran on")]
    duration_s: Annotated[Number, Field(description="wall time of the command")]
    exit_code: Annotated[int, Field(description="0 ok, 1 findings or failed check, 2 input "
                                                "error, 3 internal error")]
    findings: Annotated[list[Finding], Field(description="sorted by path, line, col, code")]
    metrics: list[Metric]
    artifacts: list[Artifact]
    notes: Annotated[list[str], Field(description="one-line summaries")]
    diff: Annotated[str, Field(description="unified diff of what a write would change")]
