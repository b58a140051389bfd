"""Corpus: a sample of the standard library minified; every output compiles and passes
the independent AST check (a failed check would be an HLX900 finding)."""

from __future__ import annotations

import ast
import shutil
import sysconfig
from pathlib import Path

import pytest

from hlopt.compress import Options, run

STDLIB = Path(sysconfig.get_paths()["stdlib"])
#: total source bytes of the sample: keeps the test well under a minute
BUDGET = 350_000


def _sample() -> list[Path]:
    files = sorted(p for p in STDLIB.glob("*.py") if p.stat().st_size < 80_000)
    picked, total = [], 0
    for p in files[::5]:
        if total + p.stat().st_size > BUDGET:
            break
        picked.append(p)
        total += p.stat().st_size
    return picked


@pytest.mark.corpus
def test_stdlib_sample_minifies_compiles_and_passes_the_ast_check(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    sample = _sample()
    for p in sample:
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    report = run(Options(paths=(src,), output=out, jobs=1, remove_debug=True))
    failures = [f for f in report.findings if f.code.startswith("HLX")]
    assert failures == []
    for p in sample:
        text = (out / p.name).read_text(encoding="utf-8")
        compile(text, p.name, "exec")
        ast.parse(text)
    size = next(m for m in report.metrics if m.name == "bytes")
    assert size.ratio is not None and size.ratio < 0.7
