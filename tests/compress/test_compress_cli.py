"""``hlopt compress`` from the command line: outputs, bad input, formats, test runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hlopt.compress.model import Plan
from hlopt.compress.verify import CheckFailure, check_output

PROGRAM = {
    "app/__init__.py": '"""The app."""\nVERSION = "1"\n',
    "app/core.py": '''
        def total(values: list[int]) -> int:
            """Sum the values."""
            running_sum = 0
            for value_item in values:  # each one
                running_sum += value_item
            assert running_sum >= 0
            if __debug__:
                print("debugging")
            return running_sum
    ''',
    "app/data.txt": "package data\n",
}


def test_minify_writes_a_tree_that_behaves_the_same(invoke, make_tree, tmp_path) -> None:
    root = make_tree(PROGRAM)
    out = tmp_path / "min"
    result = invoke(["compress", str(root / "app"), "-o", str(out), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["command"] == "compress" and doc["exit_code"] == 0
    metrics = {m["name"]: m for m in doc["metrics"]}
    assert set(metrics) == {"bytes", "lines", "tokens", "gzip"}
    assert metrics["bytes"]["after"] < metrics["bytes"]["before"]
    assert (out / "data.txt").read_text() == "package data\n"
    assert "Sum the values" not in (out / "core.py").read_text()
    code = "import app.core as c; print(c.total([1, 2]))"
    (tmp_path / "pkgroot").mkdir()
    (out).rename(tmp_path / "pkgroot" / "app")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "pkgroot",
                         capture_output=True, text=True)
    assert run.stdout == "debugging\n3\n"


def test_remove_debug_behaves_as_python_O(invoke, make_tree, tmp_path) -> None:
    root = make_tree(PROGRAM)
    out = tmp_path / "min" / "app"
    invoke(["compress", str(root / "app"), "-o", str(out), "--remove-debug"])
    text = (out / "core.py").read_text()
    assert "assert" not in text and "debugging" not in text
    run = subprocess.run([sys.executable, "-c", "import app.core as c; print(c.total([1]))"],
                         cwd=out.parent, capture_output=True, text=True)
    assert run.stdout == "1\n"


def test_output_missing_is_a_usage_error(invoke, make_tree) -> None:
    root = make_tree(PROGRAM)
    result = invoke(["compress", str(root / "app")], exit_code=2)
    assert "needs -o OUT" in result.stderr


def test_output_inside_the_input_is_refused(invoke, make_tree) -> None:
    root = make_tree(PROGRAM)
    result = invoke(["compress", str(root), "-o", str(root / "build")], exit_code=2)
    assert "inside the input" in result.stderr
    assert not (root / "build").exists()


def test_unknown_mode_is_a_usage_error(invoke, make_tree, tmp_path) -> None:
    root = make_tree(PROGRAM)
    invoke(["compress", str(root), "--mode", "shrink", "-o", str(tmp_path / "o")], exit_code=2)


def test_a_file_that_does_not_parse_is_reported_skipped_and_fails_the_run(
        invoke, make_tree, tmp_path) -> None:
    root = make_tree({**PROGRAM, "app/broken.py": "def f(:\n    pass\n"})
    out = tmp_path / "min"
    result = invoke(["compress", str(root / "app"), "-o", str(out), "-f", "json"], exit_code=1)
    doc = json.loads(result.stdout)
    codes = {f["code"]: f for f in doc["findings"]}
    assert codes["HLX003"]["path"].endswith("broken.py")
    assert "copied to the output unchanged" in codes["HLX003"]["message"]
    assert (out / "broken.py").read_text() == "def f(:\n    pass\n"
    assert "Sum the values" not in (out / "core.py").read_text()  # the others were minified


def test_test_cmd_passes_and_fails(invoke, make_tree, tmp_path) -> None:
    root = make_tree({
        **PROGRAM,
        "pyproject.toml": "[project]\nname = 'app'\n",
        "tests/test_app.py": "from app.core import total\n\n"
                             "def test_total():\n    assert total([2, 3]) == 5\n",
    })
    ok = invoke(["compress", str(root / "app"), "-o", str(tmp_path / "a"),
                 "--test-cmd", f"{sys.executable} -m pytest -q -p no:cacheprovider tests"])
    assert "passed against a copy of" in ok.stdout
    bad = invoke(["compress", str(root / "app"), "-o", str(tmp_path / "b"), "-f", "json",
                  "--test-cmd", f"{sys.executable} -c 'raise SystemExit(4)'"], exit_code=1)
    finding = json.loads(bad.stdout)["findings"][0]
    assert finding["code"] == "HLC002" and finding["data"]["exit_code"] == 4


def test_rename_globals_rewrites_importers(invoke, make_tree, tmp_path) -> None:
    root = make_tree({
        "pkg/__init__.py": "from .config import DEFAULT_TIMEOUT\n",
        "pkg/config.py": "DEFAULT_TIMEOUT = 30\nRETRY_LIMIT = 3\n"
                         "def limit():\n    return RETRY_LIMIT\n",
        "pkg/use.py": "import pkg.config\nfrom pkg.config import RETRY_LIMIT\n"
                      "def total():\n    return pkg.config.DEFAULT_TIMEOUT + RETRY_LIMIT\n",
    })
    out = tmp_path / "o" / "pkg"
    invoke(["compress", str(root / "pkg"), "-o", str(out), "--rename-globals"])
    assert "DEFAULT_TIMEOUT=" not in (out / "config.py").read_text()
    code = "import pkg, pkg.use, pkg.config as c; print(pkg.DEFAULT_TIMEOUT, pkg.use.total(), c.limit())"
    run = subprocess.run([sys.executable, "-c", code], cwd=out.parent, capture_output=True,
                         text=True)
    assert run.stdout == "30 33 3\n", run.stderr


def test_rename_globals_refuses_star_imported_modules(invoke, make_tree, tmp_path) -> None:
    root = make_tree({
        "pkg/__init__.py": "from .names import *\n",
        "pkg/names.py": "LONG_CONSTANT_NAME = 1\n",
    })
    result = invoke(["compress", str(root / "pkg"), "-o", str(tmp_path / "o"),
                     "--rename-globals", "-f", "json"])
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert "HLC003" in codes
    assert "LONG_CONSTANT_NAME" in (tmp_path / "o" / "names.py").read_text()


def test_checker_catches_an_output_that_changed_meaning(tmp_path: Path) -> None:
    original = "def f(a):\n    return a + 1\n"
    check_output(tmp_path / "m.py", original, "def f(a):return a+1\n", Plan())
    with pytest.raises(CheckFailure, match="differs from the planned AST"):
        check_output(tmp_path / "m.py", original, "def f(a):return a-1\n", Plan())
    with pytest.raises(CheckFailure, match="does not compile"):
        check_output(tmp_path / "m.py", original, "def f(a):return a+\n", Plan())


def test_python_dash_m_hlopt_compress(make_tree, tmp_path) -> None:
    root = make_tree(PROGRAM)
    run = subprocess.run([sys.executable, "-m", "hlopt", "compress", str(root / "app"),
                          "-o", str(tmp_path / "o"), "-q"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "o" / "core.py").exists()
