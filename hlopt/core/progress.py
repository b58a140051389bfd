"""Progress reporting without a UI dependency: commands call a ``Progress`` callback.

Subcommand packages never import rich; the CLI passes :func:`rich_progress` (a bar on a
terminal's stderr) or nothing (pipes, CI, MCP).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: progress(description, done, total)
Progress = Callable[[str, int, int], None]


def no_progress(description: str, done: int, total: int) -> None:
    """The default: report nothing."""


@contextmanager
def rich_progress(enabled: bool | None = None) -> Iterator[Progress]:
    """A rich progress bar on stderr when it is a terminal, else a no-op callback."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    tasks: dict[str, int] = {}
    with Bar("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
             TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:

        def update(description: str, done: int, total: int) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=total)
            bar.update(tasks[description], completed=done, total=total)

        yield update
