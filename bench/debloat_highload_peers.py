"""hlopt's high-load families (HLA, HLF, HLR, HLS) beside ruff ASYNC/PERF and regexploit.

On the standard library and on the venv's site-packages, in one run: finding counts of
each tool and their wall times as ratios of hlopt's; then the whole ``hlopt debloat``
(every family) against vulture on the standard library (target: within 1.5x).

    .venv/bin/python bench/debloat_highload_peers.py [--skip-site] [--skip-vulture]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

BIN = Path(sys.executable).parent
FAMILIES = ("HLA", "HLF", "HLR", "HLS")


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, out


def run_hlopt(path: Path, select: str | None) -> tuple[float, Counter[str]]:
    cmd = [str(BIN / "hlopt"), "debloat", str(path), "--format", "json", "--exclude",
           "site-packages"]
    if select:
        cmd += ["--select", select]
    secs, out = timed(cmd)
    if out.returncode not in (0, 1):
        raise SystemExit(f"hlopt failed ({out.returncode}): {out.stderr[-2000:]}")
    counts: Counter[str] = Counter()
    for f in json.loads(out.stdout)["findings"]:
        key = f["code"] if f["code"] != "HLR001" else f"HLR001-{f['severity']}"
        counts[key] += 1
    return secs, counts


def run_ruff(path: Path) -> tuple[float, Counter[str]]:
    secs, out = timed([str(BIN / "ruff"), "check", "--isolated", "--no-cache", "--preview",
                       "--select", "ASYNC,PERF", "--output-format", "json", "--exit-zero",
                       "--exclude", "site-packages", str(path)])
    counts: Counter[str] = Counter()
    for d in json.loads(out.stdout or "[]"):
        counts[d["code"] or "syntax-error"] += 1
    return secs, counts


def run_regexploit(path: Path) -> tuple[float, Counter[str]] | str:
    exe = BIN / "regexploit-py"
    if not exe.is_file():
        return "regexploit is not installed (pip install regexploit: it is in the dev extra)"
    secs, out = timed([str(exe), str(path / "**" / "*.py"), "--glob", "--ignore",
                       "site-packages"])
    text = out.stdout + out.stderr
    found = len(re.findall(r"^Vulnerable regex", text, re.MULTILINE))
    if "Traceback (most recent call last)" in out.stderr:
        # regexploit 1.0 predates Python 3.11's possessive quantifiers and atomic groups
        last = out.stderr.strip().splitlines()[-1]
        return (f"regexploit crashed after {secs:.1f} s and {found} ReDoS report(s): {last}"
                " (it does not know this Python's regex syntax)")
    counts: Counter[str] = Counter()
    counts["redos"] = found
    m = re.search(r"Processed (\d+) regexes", text)
    if m:
        counts["regexes processed"] = int(m.group(1))
    return secs, counts


def run_vulture(path: Path) -> float:
    secs, _ = timed([str(BIN / "vulture"), str(path), "--exclude", "site-packages"])
    return secs


def show(title: str, secs: float, counts: Counter[str], base: float) -> None:
    items = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"
    print(f"  {title:<24} {secs:7.1f} s  ({secs / base:4.2f}x hlopt)  {items}")


def compare(name: str, path: Path) -> None:
    print(f"== {name}: {path}")
    secs, counts = run_hlopt(path, ",".join(FAMILIES))
    show("hlopt HLA,HLF,HLR,HLS", secs, counts, secs)
    r_secs, r_counts = run_ruff(path)
    show("ruff ASYNC,PERF", r_secs, r_counts, secs)
    rx = run_regexploit(path)
    if isinstance(rx, str):
        print(f"  regexploit: {rx}")
    else:
        show("regexploit", rx[0], rx[1], secs)
    hlr = sum(v for k, v in counts.items() if k.startswith("HLR001-warning"))
    print(f"  ReDoS confirmed by running (HLR001 warnings): {hlr}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-site", action="store_true", help="skip site-packages")
    ap.add_argument("--skip-vulture", action="store_true", help="skip the vulture timing")
    args = ap.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    compare("standard library", stdlib)
    if not args.skip_site:
        compare("site-packages", Path(sysconfig.get_paths()["purelib"]))
    if not args.skip_vulture:
        print("== whole debloat (every family) against vulture, standard library")
        h_secs, counts = run_hlopt(stdlib, None)
        v_secs = run_vulture(stdlib)
        ratio = h_secs / v_secs
        print(f"  hlopt {h_secs:.1f} s, vulture {v_secs:.1f} s: {ratio:.2f}x "
              f"(target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}); "
              f"{sum(counts.values())} findings")


if __name__ == "__main__":
    main()
