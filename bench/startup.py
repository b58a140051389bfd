"""Start-up time of `hlopt --version` and `hlopt --help` against `python -c "import typer"`.

Target: at most 1.5x the bare typer import. Each command runs in a fresh process, rounds
interleaved so drift on a shared machine hits all three alike; the median is reported.

    .venv/bin/python bench/startup.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HLOPT = str(Path(sys.executable).with_name("hlopt"))
COMMANDS = {
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "hlopt --version": [HLOPT, "--version"],
    "hlopt --help": [HLOPT, "--help"],
}


def time_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for cmd in COMMANDS.values():
        time_once(cmd)  # warm the file cache
    for _ in range(args.rounds):
        for name, cmd in COMMANDS.items():
            samples[name].append(time_once(cmd))
    base = statistics.median(samples["python -c 'import typer'"])
    print(f"{'command':28} {'median ms':>10} {'ratio':>7}   (target: ratio <= 1.5)")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:28} {med * 1000:10.1f} {med / base:7.2f}")


if __name__ == "__main__":
    main()
