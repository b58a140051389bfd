"""``hlopt debloat`` end to end: bad input is reported per file and the run goes on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def messy_tree() -> Iterator[Path]:
    """A tree with every kind of bad input next to good files (world-readable, for setpriv)."""
    root = Path(tempfile.mkdtemp(prefix="hlopt-messy-"))
    root.chmod(0o755)
    (root / "good.py").write_text("import os\nimport sys\nprint(sys.argv)\n")
    (root / "syntax.py").write_text("def f(:\n    pass\n")
    (root / "latin.py").write_bytes(
        "# -*- coding: latin-1 -*-\nimport json\nNAME = 'café'\nprint(NAME)\n".encode("latin-1"))
    (root / "nul.py").write_bytes(b"x = 1\n\x00\n")
    (root / "binary.py").write_bytes(bytes(range(256)) * 4)
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    os.symlink("..", root / "pkg" / "loop")
    locked = root / "locked.py"
    locked.write_text("import os\n")
    locked.chmod(0)
    for p in root.rglob("*"):
        if p.is_file() and p != locked and not p.is_symlink():
            p.chmod(0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _run_as_unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "hlopt", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root and setpriv is missing: cannot make a file unreadable")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "HOME": tempfile.gettempdir(), "HLOPT_LOG_DIR": tempfile.gettempdir()}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/", timeout=120)


def test_bad_input_is_reported_per_file_and_the_run_goes_on(messy_tree: Path) -> None:
    out = _run_as_unprivileged(["debloat", str(messy_tree), "--format", "json"])
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    by_file = {Path(f["path"]).name: f for f in report["findings"] if f["code"].startswith("HLX")}
    assert by_file["syntax.py"]["code"] == "HLX003" and by_file["syntax.py"]["line"] == 1
    assert by_file["nul.py"]["code"] == "HLX002" and "NUL" in by_file["nul.py"]["message"]
    assert by_file["binary.py"]["code"] == "HLX002"
    assert by_file["loop"]["code"] == "HLX004"
    assert by_file["locked.py"]["code"] == "HLX001"
    assert "latin.py" not in by_file and "good.py" not in by_file
    unused = {(Path(f["path"]).name, f["code"]) for f in report["findings"]
              if f["code"].startswith("HLI")}
    assert ("good.py", "HLI001") in unused and ("latin.py", "HLI001") in unused
    assert not out.stderr.strip() or "Traceback" not in out.stderr


def test_fix_leaves_bad_files_alone_and_fixes_good_ones(messy_tree: Path, invoke) -> None:
    before = {p: p.read_bytes() for p in messy_tree.glob("*.py") if p.name != "locked.py"}
    invoke(["debloat", str(messy_tree), "--fix", "--select", "HLI", "-q"], exit_code=1)
    assert (messy_tree / "good.py").read_text() == "import sys\nprint(sys.argv)\n"
    latin = (messy_tree / "latin.py").read_bytes()
    assert latin == "# -*- coding: latin-1 -*-\nNAME = 'café'\nprint(NAME)\n".encode("latin-1")
    for p, data in before.items():
        if p.name not in ("good.py", "latin.py"):
            assert p.read_bytes() == data, p


def test_diff_and_check_write_nothing(make_tree, invoke) -> None:
    root = make_tree({"m.py": "import os\nx = 1\n"})
    result = invoke(["debloat", str(root), "--diff", "--select", "HLI"], exit_code=1)
    assert "-import os" in result.stdout
    invoke(["debloat", str(root), "--check", "--select", "HLI"], exit_code=1)
    assert (root / "m.py").read_text() == "import os\nx = 1\n"
    invoke(["debloat", str(root), "--fix", "--select", "HLI", "-q"], exit_code=0)
    assert (root / "m.py").read_text() == "x = 1\n"
    invoke(["debloat", str(root), "--check", "--select", "HLI"], exit_code=0)


def test_json_and_sarif_carry_metrics_and_results(make_tree, invoke) -> None:
    root = make_tree({"m.py": "import os\nx = 1\n"})
    data = json.loads(invoke(["debloat", str(root), "-f", "json"], exit_code=1).stdout)
    assert data["command"] == "debloat" and data["exit_code"] == 1
    names = {m["name"] for m in data["metrics"]}
    assert {"files", "lines", "size", "imports", "findings HLI"} <= names
    sarif = json.loads(invoke(["debloat", str(root), "-f", "sarif"], exit_code=1).stdout)
    assert sarif["runs"][0]["results"][0]["ruleId"].startswith("HLI")


def test_fix_reports_after_metrics(make_tree, invoke) -> None:
    root = make_tree({"m.py": "import os\nimport re\nx = 1\n"})
    data = json.loads(invoke(["debloat", str(root), "--fix", "-f", "json", "--select", "HLI"],
                             exit_code=0).stdout)
    metrics = {m["name"]: m for m in data["metrics"]}
    assert metrics["imports"]["before"] == 2 and metrics["imports"]["after"] == 0
    assert metrics["lines"]["after"] == 1


def test_exit_zero(make_tree, invoke) -> None:
    root = make_tree({"m.py": "import os\n"})
    invoke(["debloat", str(root), "--exit-zero", "-q"], exit_code=0)


def test_hlopt_debloat_on_itself_exits_0(invoke) -> None:
    hlopt_pkg = Path(__file__).resolve().parents[2] / "hlopt"
    result = invoke(["debloat", str(hlopt_pkg), "--format", "json"], exit_code=0)
    report = json.loads(result.stdout)
    # Only advisory (info) slow-pattern notes may remain; nothing that fails a run.
    severities = {f["severity"] for f in report["findings"]}
    assert severities <= {"info"}, severities
    assert report["exit_code"] == 0
