"""`hlopt debloat` over the whole standard library of the running Python, tests included."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from hlopt import debloat

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.mark.corpus
@pytest.mark.slow
def test_whole_stdlib_runs_without_internal_errors() -> None:
    report = debloat.run(debloat.Options(paths=(STDLIB,)))
    internal = [f for f in report.findings if f.code == "HLX900"]
    assert not internal, internal[:5]
    files = next(m for m in report.metrics if m.name == "files")
    assert files.before is not None and files.before > 1000
    unparsable = {f.path.name for f in report.findings if f.code in ("HLX002", "HLX003")
                  if f.path is not None}
    # the standard library ships deliberately broken files as test data
    assert {"bad_coding.py", "badsyntax_3131.py"} <= unparsable
    families = {f.code[:3] for f in report.findings}
    assert {"HLI", "HLD"} <= families
    for f in report.findings:
        assert f.path is not None and f.message
