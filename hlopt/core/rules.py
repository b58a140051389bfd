"""The rule registry: every code hlopt can report, its doc and its fix safety.

Each rule family declares its rules in a ``rules.py`` of its own package with
:func:`register`. :func:`load_registry` imports the family modules named in
``FAMILY_MODULES``, so a command that only needs its own rules never imports the others.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hlopt.core.errors import UsageError

#: modules that declare rules; each calls register() at import
FAMILY_MODULES: tuple[str, ...] = (
    "hlopt.core.input_rules",
    "hlopt.debloat.rules",
    "hlopt.profile.rules",
    "hlopt.sysctl.rules",
    "hlopt.bench.rules",
    "hlopt.compress.rules",
    "hlopt.nativize.rules",
    "hlopt.mutate.rules",
)

#: every doc has these sections, in this order (ruff's layout)
DOC_SECTIONS: tuple[str, ...] = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## References",
)


class FixAvailability(enum.Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class RuleStatus(enum.Enum):
    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True)
class Rule:
    """A rule: ``code`` (HLI001), kebab-case ``name`` naming the pattern, one-line summary."""

    code: str
    name: str
    summary: str
    doc: str
    command: str
    fix: FixAvailability = FixAvailability.NONE
    status: RuleStatus = RuleStatus.STABLE
    since: str = "0.1.0"

    @property
    def anchor(self) -> str:
        """The anchor of this rule in docs/rules.md."""
        return f"{self.code.lower()}-{self.name}"

    @property
    def docs_url(self) -> str:
        return f"docs/rules.md#{self.anchor}"

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "summary": self.summary,
            "command": self.command,
            "fix": self.fix.value,
            "status": self.status.value,
            "since": self.since,
            "docs": self.docs_url,
            "explanation": self.doc,
        }


REGISTRY: dict[str, Rule] = {}
_loaded = False


def register(*rules: Rule) -> None:
    """Add rules to the registry; a code can only be registered once."""
    for rule in rules:
        if rule.code in REGISTRY and REGISTRY[rule.code] != rule:
            raise ValueError(f"rule code {rule.code} registered twice")
        missing = [s for s in DOC_SECTIONS if s not in rule.doc]
        if missing:
            raise ValueError(f"rule {rule.code} doc lacks {', '.join(missing)}")
        REGISTRY[rule.code] = rule


def load_registry() -> dict[str, Rule]:
    """Import every family module (once) and return the full registry."""
    global _loaded
    if not _loaded:
        for name in FAMILY_MODULES:
            importlib.import_module(name)
        _loaded = True
    return REGISTRY


def get_rule(code: str) -> Rule:
    """The rule with this code, or a UsageError listing near matches."""
    registry = load_registry()
    rule = registry.get(code.upper())
    if rule is None:
        near = sorted(c for c in registry if c.startswith(code.upper()[:3]))
        hint = f"known codes with that prefix: {', '.join(near)}" if near else "see `hlopt rules`"
        raise UsageError(f"unknown rule code {code!r}", hint=hint)
    return rule


def matches(code: str, prefixes: Iterable[str]) -> bool:
    """True when ``code`` starts with one of ``prefixes`` (``ALL`` matches everything)."""
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


def is_selected(
    code: str,
    select: Sequence[str] | None,
    ignore: Sequence[str] = (),
    *,
    preview: bool = True,
) -> bool:
    """ruff's selection: a code is on when a select prefix matches and no longer ignore does."""
    if code.startswith("HLX"):
        return True  # input problems are always reported
    rule = REGISTRY.get(code)
    if rule is not None and rule.status is RuleStatus.PREVIEW and not preview:
        return False
    chosen = [p for p in (select or ["ALL"]) if p == "ALL" or code.startswith(p)]
    if not chosen:
        return False
    dropped = [p for p in ignore if p == "ALL" or code.startswith(p)]
    if not dropped:
        return True
    return _longest(chosen) > _longest(dropped)


def _longest(prefixes: Sequence[str]) -> int:
    return max(0 if p == "ALL" else len(p) for p in prefixes)


def validate_prefixes(prefixes: Iterable[str]) -> list[str]:
    """Upper-case prefixes and reject those that match no known rule."""
    registry = load_registry()
    out: list[str] = []
    for raw in prefixes:
        for part in raw.split(","):
            p = part.strip().upper()
            if not p:
                continue
            if p != "ALL" and not any(code.startswith(p) for code in registry):
                families = sorted({c[:3] for c in registry})
                raise UsageError(
                    f"rule selector {p!r} matches no rule",
                    hint=f"families: {', '.join(families)}; list them with `hlopt rules`",
                )
            out.append(p)
    return out


def render_markdown(rules: Iterable[Rule]) -> str:
    """docs/rules.md: a table of every rule, then each rule's doc."""
    rules = sorted(rules, key=lambda r: r.code)
    lines = [
        "# Rules",
        "",
        "<!-- Generated from the rule registry by `hlopt rules --format markdown`;"
        " tests/core/test_rules.py keeps it current. -->",
        "",
        "Codes are `HL` + family letter(s) + three digits. Fix safety: `safe` fixes keep"
        " the exact meaning and are applied by `--fix`; `unsafe` ones need"
        " `--unsafe-fixes`; `display-only` suggestions are never applied.",
        "Suppress one line with `# noqa: CODE` (or a prefix such as `# noqa: HLI`).",
        "",
        "| code | name | command | fix | status | summary |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        lines.append(
            f"| [{r.code}](#{r.anchor}) | {r.name} | {r.command} | {r.fix.value}"
            f" | {r.status.value} | {r.summary} |"
        )
    for r in rules:
        lines += ["", f"<a id=\"{r.anchor}\"></a>", f"## {r.code} {r.name}", ""]
        lines.append(f"*{r.summary}* (command: `{r.command}`, fix: {r.fix.value},"
                     f" {r.status.value} since {r.since})")
        lines += ["", _demote(r.doc.strip())]
    return "\n".join(lines) + "\n"


def _demote(doc: str) -> str:
    """Rule docs use '##' headings; inside rules.md they sit one level lower."""
    return "\n".join("#" + ln if ln.startswith("## ") else ln for ln in doc.splitlines())
