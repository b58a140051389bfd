"""`hlopt debloat --fix` on a copy of the *whole* standard library: does it break anything?

Runs the checks of tests/corpus/test_stdlib_imports.py (which uses a sample in CI) on a
copy of the entire library of the running Python (site-packages, idlelib, tkinter,
turtledemo and ensurepip left out: they need a display or the network), and prints the
figures: files, safe fixes, files changed, modules imported before and after, and the
number of public names dropped (unused module imports removed).

    .venv/bin/python bench/debloat_stdlib_fix.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TEST = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "test_stdlib_imports.py"


def main() -> None:
    env = {**os.environ, "HLOPT_STDLIB_SAMPLE": "all"}
    cmd = [sys.executable, "-m", "pytest", str(TEST), "-s", "-q", "-p", "no:cacheprovider",
           "-p", "no:xdist", "-o", "addopts=--import-mode=importlib"]
    print("$ HLOPT_STDLIB_SAMPLE=all " + " ".join(cmd), flush=True)
    sys.exit(subprocess.run(cmd, env=env).returncode)


if __name__ == "__main__":
    main()
