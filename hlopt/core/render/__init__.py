"""Renderers: one function per format, each ``render(report, out, **options)``."""

from __future__ import annotations

import enum
from typing import TextIO

from hlopt.core.report import Report


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def render(report: Report, fmt: Format | str, out: TextIO, *, verbose: bool = False,
           quiet: bool = False) -> None:
    """Write ``report`` to ``out`` in ``fmt``; json and sarif write only the document."""
    fmt = Format(fmt)
    if fmt is Format.json:
        from hlopt.core.render.json import render_json

        render_json(report, out)
    elif fmt is Format.sarif:
        from hlopt.core.render.sarif import render_sarif

        render_sarif(report, out)
    else:
        from hlopt.core.render.text import render_text

        render_text(report, out, verbose=verbose, quiet=quiet)
