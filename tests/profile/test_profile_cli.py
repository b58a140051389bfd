"""How the command line says what to run: a script and `--` arguments, `-m`, a command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARGV_SCRIPT = "import json, sys\njson.dump(sys.argv[1:], open(sys.argv[1], 'w'))\n"


@pytest.fixture
def argv_script(tmp_path: Path) -> Path:
    path = tmp_path / "show_argv.py"
    path.write_text(ARGV_SCRIPT)
    return path


def _seen(out: Path) -> list[str]:
    return json.loads(out.read_text())[1:]


def test_script_arguments_after_double_dash(invoke, argv_script, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "seen.json"
    invoke(["profile", "--engine", "cprofile", "-q", str(argv_script), "--", str(out),
            "--top", "-x", "value"])
    assert _seen(out) == ["--top", "-x", "value"]  # hlopt's own options are passed on after --


def test_unknown_options_go_to_the_script(invoke, argv_script, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "seen.json"
    invoke(["profile", "--engine", "cprofile", "-q", str(argv_script), str(out), "--verbose-x"])
    assert _seen(out) == ["--verbose-x"]


def test_command_with_python_interpreter(invoke, argv_script, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "seen.json"
    result = invoke(["profile", "--engine", "cprofile", "--format", "json", "--",
                     sys.executable, "-X", "utf8", str(argv_script), str(out), "a"])
    assert _seen(out) == ["a"]
    assert json.loads(result.stdout)["target"].endswith(f"{out} a")


def test_module_with_arguments(invoke, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkgx").mkdir()
    (tmp_path / "pkgx" / "__init__.py").write_text("")
    (tmp_path / "pkgx" / "tool.py").write_text(ARGV_SCRIPT)
    out = tmp_path / "seen.json"
    invoke(["profile", "--engine", "cprofile", "-q", "-m", "pkgx.tool", "--", str(out), "b"])
    assert _seen(out) == ["b"]


def test_python_dash_m_command(invoke, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    (tmp_path / "modx.py").write_text(ARGV_SCRIPT)
    out = tmp_path / "seen.json"
    invoke(["profile", "--engine", "pyinstrument", "-q", "--", sys.executable, "-m", "modx",
            str(out), "c"])
    assert _seen(out) == ["c"]


def test_python_dash_c_command(prof) -> None:  # noqa: ANN001
    code = "def busy():\n    t = 0\n    for i in range(300_000):\n        t += i\nbusy()\n"
    doc = prof.run(["--engine", "cprofile", "--", sys.executable, "-c", code])
    assert "busy" in {h["qualname"] for h in prof.hot(doc)}


def test_console_script_runs_under_its_shebang_python(prof, tmp_path) -> None:  # noqa: ANN001
    tool = tmp_path / "mytool"
    tool.write_text(f"#!{sys.executable}\ndef main():\n    t = 0\n"
                    "    for i in range(300_000):\n        t += i\nmain()\n")
    tool.chmod(0o755)
    doc = prof.run(["--engine", "cprofile", "--", str(tool)])
    assert "main" in {h["qualname"] for h in prof.hot(doc)}


def test_program_output_goes_to_stderr_in_json_mode(invoke, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "talk.py"
    path.write_text("print('hello from the program')\n")
    result = invoke(["profile", "--engine", "cprofile", "--format", "json", str(path)])
    assert "hello from the program" in result.stderr
    json.loads(result.stdout)  # stdout is only the document


def test_sarif_output(invoke, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "loop.py"
    path.write_text("def f():\n    t = 0\n    for i in range(300_000):\n        t += i\n"
                    "    return t\nf()\n")
    result = invoke(["profile", "--engine", "cprofile", "--format", "sarif", str(path)])
    sarif = json.loads(result.stdout)
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"HLH001", "HLH002"} <= rules
    assert all(r["level"] == "note" for r in sarif["runs"][0]["results"])


def test_python_dash_m_hlopt_profile(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text("def f():\n    t = 0\n    for i in range(300_000):\n        t += i\n"
                    "    return t\nf()\n")
    proc = subprocess.run([sys.executable, "-m", "hlopt", "profile", "--engine", "cprofile",
                           "--format", "json", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["command"] == "profile"


def test_profile_rules_are_registered(invoke) -> None:  # noqa: ANN001
    result = invoke(["explain", "HLH003"])
    assert "memoizable-function" in result.stdout and "## Fix safety" in result.stdout
    listing = invoke(["rules"]).stdout
    for code in ("HLH001", "HLH002", "HLH003", "HLH004", "HLH005", "HLH006"):
        assert code in listing


def test_profile_a_pytest_run(prof, tmp_path) -> None:  # noqa: ANN001
    pytest_script = Path(sys.executable).parent / "pytest"
    if not pytest_script.is_file():
        pytest.skip("no pytest console script next to this Python")
    (tmp_path / "test_heavy.py").write_text(
        "def crunch():\n    t = 0\n    for i in range(400_000):\n        t += i\n    return t\n\n"
        "def test_crunch():\n    assert crunch() > 0\n")
    doc = prof.run(["--engine", "cprofile", "--", str(pytest_script), "-q", "-p", "no:cacheprovider",
                    str(tmp_path / "test_heavy.py")])
    assert "crunch" in {h["qualname"] for h in prof.hot(doc)}
    assert not prof.codes(doc, "HLH006")  # the tests passed: pytest exited 0
