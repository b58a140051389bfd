"""``--mode bundle``: a runnable zipapp with compressed entries and an entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile

APP = {
    "greet/__init__.py": '"""Greeting package."""\nVERSION = "1.0"\n',
    "greet/cli.py": '''
        """Command line."""
        import sys
        from greet.core import greeting

        def main() -> int:
            """Print a greeting."""
            name = sys.argv[1] if len(sys.argv) > 1 else "world"
            print(greeting(name))
            return 3
    ''',
    "greet/core.py": '''
        def greeting(name: str) -> str:
            message_text = f"hello, {name}"
            return message_text.upper()
    ''',
}


def test_bundle_runs(invoke, make_tree, tmp_path) -> None:
    root = make_tree(APP)
    target = tmp_path / "dist" / "greet.pyz"
    invoke(["compress", str(root / "greet"), "--mode", "bundle", "-o", str(target),
            "--entry", "greet.cli:main"])
    run = subprocess.run([sys.executable, str(target), "bob"], capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (3, "HELLO, BOB\n")
    with zipfile.ZipFile(target) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    assert set(infos) == {"__main__.py", "greet/__init__.py", "greet/cli.py", "greet/core.py"}
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos.values())
    assert target.read_bytes().startswith(b"#!/usr/bin/env python3\n")


def test_bundle_with_bytecode_for_this_python_runs(invoke, make_tree, tmp_path) -> None:
    root = make_tree(APP)
    target = tmp_path / "greet.pyz"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    invoke(["compress", str(root / "greet"), "--mode", "bundle", "-o", str(target),
            "--entry", "greet.cli:main", "--python", version])
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
    assert "greet/core.pyc" in names and "greet/core.py" not in names
    run = subprocess.run([sys.executable, str(target), "amy"], capture_output=True, text=True)
    assert run.stdout == "HELLO, AMY\n", run.stderr


def test_bundle_uses_the_trees_own_main(invoke, make_tree, tmp_path) -> None:
    root = make_tree({"app/__main__.py": "import helper\nhelper.hi()\n",
                      "app/helper.py": "def hi():\n    print('hi from main')\n"})
    target = tmp_path / "app.pyz"
    invoke(["compress", str(root / "app"), "--mode", "bundle", "-o", str(target)])
    run = subprocess.run([sys.executable, str(target)], capture_output=True, text=True)
    assert run.stdout == "hi from main\n"


def test_bundle_needs_an_entry_point_and_a_pyz_name(invoke, make_tree, tmp_path) -> None:
    root = make_tree(APP)
    result = invoke(["compress", str(root / "greet"), "--mode", "bundle",
                     "-o", str(tmp_path / "a.pyz")], exit_code=2)
    assert "entry point" in result.stderr
    invoke(["compress", str(root / "greet"), "--mode", "bundle", "-o", str(tmp_path / "a.zip"),
            "--entry", "greet.cli:main"], exit_code=2)
    invoke(["compress", str(root / "greet"), "--mode", "bundle", "-o", str(tmp_path / "b.pyz"),
            "--entry", "greet.cli:main", "--python", "three"], exit_code=2)
