"""Build a rule doc in ruff's six-section layout."""

from __future__ import annotations

from textwrap import dedent


def rule_doc(*, what: str, why: str, example: str, instead: str, safety: str,
             references: str) -> str:
    """The six sections every rule doc has; ``example`` and ``instead`` are Python code."""
    return (
        f"## What it does\n{dedent(what).strip()}\n\n"
        f"## Why is this bad?\n{dedent(why).strip()}\n\n"
        f"## Example\n```python\n{dedent(example).strip()}\n```\n\n"
        f"## Use instead\n```python\n{dedent(instead).strip()}\n```\n\n"
        f"## Fix safety\n{dedent(safety).strip()}\n\n"
        f"## References\n{dedent(references).strip()}\n"
    )
