"""The accuracy workload: a call-heavy and a loop-heavy function with a known split.

``python split.py`` runs both; ``python split.py --time call|loop`` runs one alone and
prints its CPU seconds (the truth the profilers' shares are compared with). The call-heavy
function spends its time calling a tiny function, which in-process profilers inflate; the
loop-heavy one spends it in its own bytecode.

    python bench/workloads/split.py [--scale 1.0] [--time call|loop]
"""

from __future__ import annotations

import sys
import time


def tiny(x):
    return x + 1


def call_heavy(n):
    total = 0
    for _ in range(n):
        total = tiny(total)
    return total


def loop_heavy(n):
    total = 0
    for i in range(n):
        total = (total + i * 3) & 0xFFFF
    return total


def sizes(scale):
    return int(4_000_000 * scale), int(7_000_000 * scale)


def main(scale=1.0):
    calls, loops = sizes(scale)
    call_heavy(calls)
    loop_heavy(loops)


def time_alone(which, scale):
    calls, loops = sizes(scale)
    start = time.process_time()
    if which == "call":
        call_heavy(calls)
    else:
        loop_heavy(loops)
    return time.process_time() - start


if __name__ == "__main__":
    args = sys.argv[1:]
    scale = float(args[args.index("--scale") + 1]) if "--scale" in args else 1.0
    if "--time" in args:
        print(f"{time_alone(args[args.index('--time') + 1], scale):.6f}")
    else:
        main(scale)
