"""core.rules: the registry is complete, consistent and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hlopt.core.errors import UsageError
from hlopt.core.rules import (
    DOC_SECTIONS,
    FixAvailability,
    is_selected,
    load_registry,
    render_markdown,
    validate_prefixes,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
CASES = Path(__file__).resolve().parents[1] / "debloat" / "cases"


def test_codes_are_well_formed_and_names_kebab_case() -> None:
    for code, rule in load_registry().items():
        assert code == rule.code
        assert re.fullmatch(r"HL[A-Z]{1,2}\d{3}", code), code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert not rule.name.startswith(("avoid-", "no-", "banned-")), rule.name


def test_names_are_unique() -> None:
    names = [r.name for r in load_registry().values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", sorted(load_registry()))
def test_every_doc_has_the_six_sections_in_order(code: str) -> None:
    doc = load_registry()[code].doc
    positions = [doc.find(s) for s in DOC_SECTIONS]
    assert -1 not in positions, f"{code} lacks {DOC_SECTIONS[positions.index(-1)]}"
    assert positions == sorted(positions)


def test_every_fixable_debloat_rule_has_a_case_file() -> None:
    cases = {p.name[:6] for p in CASES.iterdir()} if CASES.is_dir() else set()
    for rule in load_registry().values():
        if rule.command == "debloat" and rule.fix is not FixAvailability.NONE:
            assert rule.code in cases, f"{rule.code} is fixable but has no case file"


def test_docs_rules_md_is_current() -> None:
    expected = render_markdown(load_registry().values())
    assert DOCS.read_text(encoding="utf-8") == expected, \
        "docs/rules.md is stale: run `make docs`"


def test_selection_uses_longest_prefix() -> None:
    load_registry()
    assert is_selected("HLI001", None)
    assert not is_selected("HLI001", ["HLD"])
    assert not is_selected("HLI001", None, ["HLI"])
    assert is_selected("HLI001", ["HLI001"], ["HLI"])
    assert is_selected("HLX003", ["HLD"], ["ALL"])  # input problems always show


def test_unknown_selector_lists_families() -> None:
    with pytest.raises(UsageError, match="matches no rule") as info:
        validate_prefixes(["HLQ"])
    assert "HLX" in (info.value.hint or "")
