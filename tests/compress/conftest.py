"""Fixtures of the compress tests: minify a small tree and run the result."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from hlopt.compress import Options, run
from hlopt.core.report import Report


class Minified:
    """A minified tree: its report, and helpers to read and run the output."""

    def __init__(self, report: Report, out: Path) -> None:
        self.report = report
        self.out = out

    def text(self, name: str = "mod.py") -> str:
        return (self.out / name).read_text(encoding="utf-8")

    def run(self, *args: str, script: str = "mod.py") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(self.out / script), *args],
                              capture_output=True, text=True, timeout=60, cwd=self.out)

    def codes(self) -> list[str]:
        return [f.code for f in self.report.findings]


@pytest.fixture
def minify(tmp_path: Path) -> Callable[..., Minified]:
    """``minify({"mod.py": code}, **options)`` -> Minified (files dedented)."""

    def go(files: dict[str, str] | str, **options: object) -> Minified:
        if isinstance(files, str):
            files = {"mod.py": files}
        src = tmp_path / "src"
        for rel, code in files.items():
            p = src / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
        out = tmp_path / "out"
        report = run(Options(paths=(src,), output=out, jobs=1, **options))  # type: ignore[arg-type]
        return Minified(report, out)

    return go
