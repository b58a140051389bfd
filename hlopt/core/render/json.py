"""The JSON report (``--format json``): ``Report.to_dict`` as one document."""

from __future__ import annotations

import json
from typing import TextIO

from hlopt.core.report import Report


def render_json(report: Report, out: TextIO) -> None:
    json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")
