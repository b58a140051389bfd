"""The CLI shell: version, help, rules, explain, error handling, ``python -m hlopt``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hlopt import __version__


@pytest.mark.parametrize("prefix", [["hlopt"], [sys.executable, "-m", "hlopt"]],
                         ids=["script", "module"])
def test_version_and_help_as_script_and_module(prefix: list[str]) -> None:
    if prefix == ["hlopt"]:
        prefix = [str(Path(sys.executable).with_name("hlopt"))]
    out = subprocess.run([*prefix, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"hlopt {__version__}"
    out = subprocess.run([*prefix, "--help"], capture_output=True, text=True, check=True)
    assert "debloat" in out.stdout and "explain" in out.stdout


def test_help_does_not_import_heavy_modules() -> None:
    code = ("import sys; sys.argv=['hlopt','--help']\nfrom hlopt.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy=[m for m in ('libcst','hlopt.debloat','pyinstrument','rich.markdown')"
            " if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_rules_lists_every_code(invoke) -> None:
    out = invoke(["rules"]).stdout
    assert "HLX003" in out and "syntax-error" in out
    data = json.loads(invoke(["rules", "--format", "json"]).stdout)
    assert {"code", "name", "fix", "explanation"} <= set(data[0])


def test_explain_prints_the_doc_and_json(invoke) -> None:
    out = invoke(["explain", "hlx003"]).stdout
    assert out.startswith("HLX003 (syntax-error)") and "## Why is this bad?" in out
    data = json.loads(invoke(["explain", "HLX003", "--format", "json"]).stdout)
    assert data["code"] == "HLX003" and "## Fix safety" in data["explanation"]


def test_explain_unknown_code_is_a_usage_error(invoke) -> None:
    result = invoke(["explain", "HLX999"], exit_code=2)
    assert "hlopt: error: unknown rule code 'HLX999'" in result.stderr
    assert "hint: known codes with that prefix" in result.stderr


def test_missing_path_exits_2_with_one_line(invoke, tmp_path: Path) -> None:
    result = invoke(["debloat", str(tmp_path / "nope")], exit_code=2)
    assert result.stderr.strip() == f"hlopt: error: {tmp_path / 'nope'}: no such file or directory"


def test_unknown_format_is_a_usage_error(invoke, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("x = 1\n")
    result = invoke(["debloat", str(tmp_path), "--format", "xml"], exit_code=2)
    assert "unknown format 'xml'" in result.stderr


def test_bad_select_is_a_usage_error(invoke, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("x = 1\n")
    result = invoke(["debloat", str(tmp_path), "--select", "HLQ"], exit_code=2)
    assert "matches no rule" in result.stderr
