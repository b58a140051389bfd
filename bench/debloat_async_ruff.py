"""ruff's ASYNC rules against hlopt's HLA on blocking calls, direct and transitive, in one run.

Writes a small project to a temporary directory: a coroutine that calls `time.sleep` and
`requests.get` itself (both tools see it), and a coroutine whose blocking call is three
project calls away, through a method in another module (`async handler() -> load() ->
Store.fetch() -> requests.get()`). Prints what each tool reports per case.

    .venv/bin/python bench/debloat_async_ruff.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BIN = Path(sys.executable).parent

PROJECT = {
    "app/__init__.py": "",
    "app/direct.py": """
        import time

        import requests


        async def direct(url):
            time.sleep(0.1)
            return requests.get(url)
        """,
    "app/handlers.py": """
        from app.service import load


        async def handler():
            return load()
        """,
    "app/service.py": """
        from app.store import Store


        def load():
            return Store().fetch()
        """,
    "app/store.py": """
        import requests


        class Store:
            def fetch(self):
                return requests.get("https://example.com")
        """,
}
#: (file, line) of the call each case is about
CASES = {"direct time.sleep": ("direct.py", 7), "direct requests.get": ("direct.py", 8),
         "transitive (3 calls, via a method)": ("handlers.py", 5)}


def write(root: Path) -> None:
    for rel, text in PROJECT.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def run(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, out.stdout


def ruff(root: Path) -> tuple[float, list[tuple[str, int, str, str]]]:
    secs, out = run([str(BIN / "ruff"), "check", "--isolated", "--no-cache", "--preview",
                     "--select", "ASYNC", "--output-format", "json", str(root)])
    return secs, [(Path(d["filename"]).name, d["location"]["row"], d["code"], d["message"])
                  for d in json.loads(out or "[]")]


def hlopt(root: Path) -> tuple[float, list[tuple[str, int, str, str]]]:
    secs, out = run([str(BIN / "hlopt"), "debloat", str(root), "--select", "HLA",
                     "--format", "json"])
    return secs, [(Path(f["path"]).name, f["line"], f["code"], f["message"])
                  for f in json.loads(out)["findings"]]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="hlopt-async-") as tmp:
        root = Path(tmp)
        write(root)
        results = {"ruff ASYNC (--preview)": ruff(root), "hlopt HLA": hlopt(root)}
    for tool, (secs, found) in results.items():
        print(f"{tool}: {len(found)} finding(s) in {secs:.2f} s")
        for name, line, code, message in found:
            print(f"  {name}:{line} {code} {message}")
    print(f"\n{'case':38} " + " ".join(f"{t:>24}" for t in results))
    found_by = {"ruff": 0, "hlopt": 0}
    for case, (name, line) in CASES.items():
        row = []
        for tool, (_, found) in results.items():
            codes = [c for n, ln, c, _ in found if (n, ln) == (name, line)]
            row.append(", ".join(codes) or "missed")
            found_by[tool.split()[0]] += bool(codes)
        print(f"{case:38} " + " ".join(f"{r:>24}" for r in row))
    print(f"\ncases found: ruff {found_by['ruff']}/{len(CASES)}, "
          f"hlopt {found_by['hlopt']}/{len(CASES)}")


if __name__ == "__main__":
    main()
