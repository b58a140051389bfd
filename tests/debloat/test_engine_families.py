"""Which families a debloat run scans: only those --select/--ignore leave."""

from __future__ import annotations

import subprocess
import sys

from hlopt.debloat import Options, run
from hlopt.debloat.engine import load_families, needed


def _prefixes(select, ignore=()) -> list[str]:
    return [f.prefix for f in needed(load_families(), select, list(ignore))]


def test_needed_follows_select_and_ignore() -> None:
    every = [f.prefix for f in load_families()]
    assert _prefixes(None) == every
    assert _prefixes(["ALL"]) == every
    assert _prefixes(["HLI"]) == ["HLI"]
    assert _prefixes(["HLI001", "HLR"]) == ["HLI", "HLR"]
    assert _prefixes(["HL"]) == every  # a selector shorter than a prefix keeps them all
    assert _prefixes(None, ["HLF", "HLA"]) == [p for p in every if p not in ("HLF", "HLA")]
    assert _prefixes(["HLI001"], ["HLI"]) == []
    assert _prefixes(None, ["HLI001"]) == every  # one ignored rule keeps its family


def test_selected_run_reports_only_its_family(tmp_path) -> None:
    (tmp_path / "m.py").write_text(
        "import os\nimport re\n\ndef f(xs):\n    for x in xs:\n        if x in (1, 2, 3):\n"
        "            re.match('a', x)\n", encoding="utf-8")
    both = {f.code[:3] for f in run(Options(paths=(tmp_path,))).findings}
    assert {"HLI", "HLF"} <= both
    only = {f.code[:3] for f in run(Options(paths=(tmp_path,), select=("HLI",))).findings}
    assert only == {"HLI"}


def test_rule_registry_does_not_load_engines() -> None:
    code = ("import sys, hlopt.core.rules as r; r.load_registry(); "
            "print(sorted(m for m in ('libcst', 'hlopt.mutate.engine', "
            "'hlopt.nativize.engine', 'hlopt.debloat.engine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
