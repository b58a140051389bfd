"""hlopt debloat against vulture, autoflake and ruff on the standard library, in one run.

Prints each tool's wall time and finding counts, and hlopt's time as a ratio of vulture's
(target: <= 1.0, aim 0.5, with all three families on and both cores used).

    .venv/bin/python bench/debloat_peers.py [--path DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def stdlib() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, out


def run_hlopt(path: Path) -> tuple[float, dict[str, int]]:
    secs, out = timed([str(BIN / "hlopt"), "debloat", str(path), "--format", "json"])
    if out.returncode not in (0, 1):
        raise SystemExit(f"hlopt failed ({out.returncode}): {out.stderr[-2000:]}")
    counts: dict[str, int] = {}
    for f in json.loads(out.stdout)["findings"]:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    return secs, counts


def run_vulture(path: Path) -> tuple[float, dict[str, int]]:
    secs, out = timed([str(BIN / "vulture"), str(path), "--exclude", "site-packages"])
    counts: dict[str, int] = {}
    for line in out.stdout.splitlines():
        m = re.search(r": (unused \w+(?: \w+)?|unreachable code|redundant if-condition)", line)
        if m:
            kind = m.group(1)
            counts[kind] = counts.get(kind, 0) + 1
    return secs, counts


def run_ruff(path: Path) -> tuple[float, dict[str, int]]:
    secs, out = timed([str(BIN / "ruff"), "check", "--isolated", "--no-cache",
                       "--select", "F401,F841", "--output-format", "json",
                       "--exclude", "site-packages", str(path)])
    counts: dict[str, int] = {}
    for d in json.loads(out.stdout or "[]"):
        code = d.get("code") or "syntax-error"
        counts[code] = counts.get(code, 0) + 1
    return secs, counts


def run_autoflake(path: Path) -> tuple[float, dict[str, int]]:
    secs, out = timed([str(BIN / "autoflake"), "--recursive", "--remove-all-unused-imports",
                       "--remove-unused-variables", "--exclude", "site-packages", str(path)])
    removed = [ln for ln in out.stdout.splitlines()
               if ln.startswith("-") and not ln.startswith("---")]
    imports = sum(1 for ln in removed if re.match(r"-\s*(import|from)\s", ln))
    files = sum(1 for ln in out.stdout.splitlines() if ln.startswith("+++"))
    return secs, {"import lines removed": imports, "other lines removed": len(removed) - imports,
                  "files changed": files}


TOOLS = {"hlopt": run_hlopt, "vulture": run_vulture, "ruff": run_ruff,
         "autoflake": run_autoflake}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=stdlib())
    parser.add_argument("--rounds", type=int, default=1,
                        help="interleaved rounds for the timings (median is printed)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {t: [] for t in TOOLS}
    counts: dict[str, dict[str, int]] = {}
    for _ in range(args.rounds):
        for name, fn in TOOLS.items():
            secs, c = fn(args.path)
            times[name].append(secs)
            counts[name] = c
    print(f"corpus: {args.path}")
    print(f"{'tool':10} {'median s':>9}  findings")
    for name in TOOLS:
        total = sum(v for k, v in counts[name].items() if k != "files changed")
        detail = ", ".join(f"{k}={v}" for k, v in sorted(counts[name].items()))
        print(f"{name:10} {statistics.median(times[name]):9.2f}  {total:6d}  ({detail})")
    h, v = statistics.median(times["hlopt"]), statistics.median(times["vulture"])
    print(f"\nhlopt/vulture time ratio: {h / v:.2f}  (target <= 1.0, aim 0.5)")
    fam = {}
    for code, n in counts["hlopt"].items():
        fam[code[:3]] = fam.get(code[:3], 0) + n
    print("hlopt findings per family: " + ", ".join(f"{k}={v}" for k, v in sorted(fam.items())))
    rf401 = counts["ruff"].get("F401", 0)
    print(f"unused imports: hlopt HLI={fam.get('HLI', 0)}  ruff F401={rf401}  "
          f"vulture unused import={counts['vulture'].get('unused import', 0)}  "
          f"autoflake import lines={counts['autoflake']['import lines removed']}")


if __name__ == "__main__":
    main()
