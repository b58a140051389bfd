"""docs/sysctl.md holds each profile's table, generated from the knob data and current."""

from __future__ import annotations

from pathlib import Path

from hlopt.sysctl.doctable import BEGIN, END, render_tables, splice
from hlopt.sysctl.knobs import KNOBS, PROFILES, SOURCES

DOC = Path(__file__).resolve().parents[2] / "docs" / "sysctl.md"


def test_docs_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert splice(text, render_tables()) == text, \
        "docs/sysctl.md is stale: run `python -m hlopt.sysctl.doctable docs/sysctl.md`"


def test_every_profile_key_and_source_is_documented() -> None:
    tables = render_tables()
    for name in PROFILES:
        assert f"### `{name}`" in tables
    for knob in KNOBS:
        assert f"`{knob.key}`" in tables
        for src in knob.sources:
            assert SOURCES[src][1] in tables


def test_splice_replaces_only_the_generated_part() -> None:
    text = f"intro\n{BEGIN}\nold\n{END}\noutro\n"
    assert splice(text, "new\n") == f"intro\n{BEGIN}\n\nnew\n\n{END}\noutro\n"
