"""``hlopt mcp`` on the command line: options, a missing extra, a bad root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: run the CLI with the MCP SDK made unimportable, as on a machine without the extra
WITHOUT_SDK = ("import sys; sys.modules['mcp'] = None; sys.argv = ['hlopt', 'mcp']; "
               "from hlopt.cli import main; main()")


def test_help_shows_roots_and_allow_exec(invoke) -> None:
    out = invoke(["mcp", "--help"]).stdout
    assert "--root" in out and "--allow-exec" in out and "MCP" in out


def test_without_the_extra_it_says_how_to_install_it_and_exits_2() -> None:
    out = subprocess.run([sys.executable, "-c", WITHOUT_SDK], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.splitlines() == [
        "hlopt: error: `hlopt mcp` needs the MCP SDK (mcp is not installed)",
        "hint: pip install 'hlopt[mcp]'",
    ]


def test_a_root_that_is_not_a_directory_is_an_input_error(invoke, tmp_path: Path) -> None:
    pytest.importorskip("mcp", reason="the MCP extra is not installed")
    result = invoke(["mcp", "--root", str(tmp_path / "missing")], exit_code=2)
    assert f"--root {tmp_path / 'missing'}: not a directory" in result.stderr


def test_hlopt_help_does_not_import_the_sdk() -> None:
    code = ("import sys; sys.argv = ['hlopt', '--help']\nfrom hlopt.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', [m for m in ('mcp', 'hlopt.mcp_server') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LOADED []" in out.stdout and " mcp " in out.stdout
