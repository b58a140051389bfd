"""Run every case under tests/debloat/cases (black's ``# output`` format, ruff's markers).

A case is a file ``<CODE>_<rule-name>[_variant].py`` or a directory of that name holding a
small project. In each file:

- ``# flags: --unsafe-fixes`` (or ``--entry NAME``, ``--select X``) on the first line sets options;
- ``# expect: CODE`` at the end of a line says that line must be reported with CODE
  (and no other line of that file may be reported with a code of the case's family);
- everything after a line ``# output`` is the file's expected text after ``--fix``;
  a file with no ``# output`` must come out unchanged.

After the fix the three rewrite checks of core.source hold, and a second --fix changes
nothing.
"""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from hlopt import debloat

CASES = Path(__file__).parent / "cases"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


@dataclass
class CaseFile:
    rel: str
    source: str
    expected: str | None
    expects: set[tuple[int, str]]


def _split(text: str) -> tuple[str, str | None]:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip() == "# output":
            return "".join(lines[:i]), "".join(lines[i + 1:])
    return text, None


def _flags(text: str) -> list[str]:
    first = text.splitlines()[0] if text else ""
    return first.split(":", 1)[1].split() if first.startswith("# flags:") else []


def _load(case: Path) -> tuple[list[CaseFile], list[str]]:
    files = [case] if case.is_file() else sorted(case.rglob("*.py"))
    root = case.parent if case.is_file() else case
    out, flags = [], []
    for f in files:
        source, expected = _split(f.read_text(encoding="utf-8"))
        flags += _flags(source)
        expects = {
            (n, code.strip())
            for n, line in enumerate(source.splitlines(), 1)
            for m in [_EXPECT.search(line)] if m
            for code in m.group(1).split(",")
        }
        out.append(CaseFile(str(f.relative_to(root)), source, expected, expects))
    return out, flags


def _options(root: Path, flags: list[str], **kw: object) -> debloat.Options:
    opts: dict[str, object] = {"paths": (root,), "jobs": 1}
    it = iter(flags)
    for flag in it:
        if flag == "--unsafe-fixes":
            opts["unsafe_fixes"] = True
        elif flag in ("--entry", "--select", "--ignore"):
            key = flag[2:]
            opts[key] = (*opts.get(key, ()), next(it))  # type: ignore[misc]
        elif flag.startswith("--min-confidence="):
            opts["min_confidence"] = int(flag.split("=", 1)[1])
    opts.update(kw)
    return debloat.Options(**opts)  # type: ignore[arg-type]


def _case_ids() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.suffix == ".py" or p.is_dir()) \
        if CASES.is_dir() else []


@pytest.mark.parametrize("case", _case_ids(), ids=lambda p: p.stem)
def test_case(case: Path, tmp_path: Path) -> None:
    files, flags = _load(case)
    family = case.name[:3]
    root = tmp_path / "proj"
    for cf in files:
        target = root / cf.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(cf.source, encoding="utf-8")
    if case.is_dir() and (case / "pyproject.toml").is_file():
        shutil.copy(case / "pyproject.toml", root / "pyproject.toml")

    report = debloat.run(_options(root, flags))
    assert not [f for f in report.findings if f.code.startswith("HLX")], report.findings
    for cf in files:
        got = {(f.line, f.code) for f in report.findings
               if f.path is not None and f.path.resolve() == (root / cf.rel).resolve()
               and f.code.startswith(family)}
        assert got == cf.expects, f"{cf.rel}: reported {sorted(got)}, expected {sorted(cf.expects)}"

    fixed = debloat.run(_options(root, flags, fix=True))
    assert not [f for f in fixed.findings if f.code.startswith("HLX")], fixed.findings
    for cf in files:
        text = (root / cf.rel).read_text(encoding="utf-8")
        assert text == (cf.expected if cf.expected is not None else cf.source), cf.rel
        ast.parse(text)
    again = debloat.run(_options(root, flags, fix=True))
    for cf in files:
        text = (root / cf.rel).read_text(encoding="utf-8")
        assert text == (cf.expected if cf.expected is not None else cf.source), \
            f"{cf.rel}: a second --fix changed the file"
    assert again.exit_code in (0, 1)
