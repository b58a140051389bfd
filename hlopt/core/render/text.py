"""The terminal renderer: one line per finding, a metrics table, a summary (rich)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hlopt.core.report import Applicability, Metric, Report, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(report: Report, out: TextIO, *, verbose: bool = False,
                quiet: bool = False) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True)
    for f in report.sorted_findings():
        conf = f" ({f.confidence}% confidence)" if f.confidence is not None else ""
        console.print(
            f"[bold]{escape(f.location)}[/]: [{_STYLE[f.severity]}]{f.code}[/] "
            f"{escape(f.message)}{conf}"
        )
        if f.fix is not None and not quiet:
            tag = "" if f.fix.applicability is Applicability.SAFE else \
                f" [dim]({f.fix.applicability.value} fix)[/]"
            console.print(f"  [green]help[/]: {escape(f.fix.title)}{tag}")
    if quiet:
        console.print(summary(report))
        return
    if report.metrics:
        console.print(metrics_table(report.metrics))
    for a in report.artifacts:
        desc = f": {escape(a.description)}" if a.description else ""
        console.print(f"[bold]wrote[/] {a.kind} {escape(str(a.path))}{desc}")
    for note in report.notes:
        console.print(escape(note))
    console.print(summary(report))
    if verbose:
        console.print(f"[dim]{report.command} on {escape(report.target)}"
                      f" in {report.duration_s:.2f}s[/]")


def metrics_table(metrics: list[Metric]) -> Table:
    table = Table(title="before / after", title_justify="left", show_edge=False)
    table.add_column("metric")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("ratio", justify="right")
    for m in metrics:
        ratio = "" if m.ratio is None else f"{m.ratio:.3f}"
        if m.ci is not None:
            ratio += f" [{m.ci[0]:.3f}, {m.ci[1]:.3f}]"
        if m.significant is False:
            ratio += " (n.s.)"
        table.add_row(f"{m.name} ({m.unit})" if m.unit else m.name,
                      format_number(m.before), format_number(m.after), ratio)
    return table


def format_number(value: float | None) -> str:
    if value is None:
        return "-"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def summary(report: Report) -> str:
    """"3 findings (2 fixable with `--fix`, 1 hidden fix can be enabled with `--unsafe-fixes`)"."""
    n = len(report.findings)
    if n == 0:
        return "No findings."
    safe = sum(1 for f in report.findings
               if f.fix is not None and f.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for f in report.findings
                 if f.fix is not None and f.fix.applicability is Applicability.UNSAFE)
    parts = []
    if safe:
        parts.append(f"{safe} fixable with `--fix`")
    if unsafe:
        parts.append(f"{unsafe} hidden fix{'es' if unsafe != 1 else ''} can be enabled"
                     " with `--unsafe-fixes`")
    tail = f" ({', '.join(parts)})" if parts else ""
    return f"{n} finding{'s' if n != 1 else ''}{tail}."
