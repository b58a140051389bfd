"""Shared fixtures: a CLI runner that shows what failed, and small project trees."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

# Typer forces colours when GITHUB_ACTIONS/FORCE_COLOR is set; keep test output plain
# (read at import time, so before typer is imported).
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ.setdefault("TERMINAL_WIDTH", "100")

import pytest  # noqa: E402 - after the environment set-up above
from typer.testing import CliRunner  # noqa: E402 - idem

from hlopt.cli import app  # noqa: E402 - idem

REPO = Path(__file__).resolve().parent.parent


class Invoker:
    """``invoke(args, exit_code)``: run the CLI in-process and explain any mismatch."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, args: Sequence[str], exit_code: int = 0):
        result = self.runner.invoke(app, list(args), catch_exceptions=False)
        if result.exit_code != exit_code:
            raise AssertionError(
                f"hlopt {' '.join(args)} exited {result.exit_code}, expected {exit_code}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
        return result


@pytest.fixture
def invoke() -> Invoker:
    return Invoker()


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write ``{relative path: dedented text}`` under a fresh directory and return it."""

    def make(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            p = tmp_path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return make
