"""The C/Zig subset part of bench/nativize_kernels.py's report (issue 6): hlopt's C and Zig
backends per kernel relative to the hand-written C, and their targets.

Works on the bench's ``Kernel`` records (``best`` times, ``infos`` of hlopt's runs,
``failed``, ``mismatches``, ``outside``: "" inside the subset, else the IR's refusal).
"""

from __future__ import annotations

#: hlopt's C and Zig backends within this factor of hand-written C's time per call
TARGET_HANDC = 1.5
#: hlopt's sides and the backend each runs (``hlopt`` is the Cython backend)
HLOPT_SIDES = {"hlopt": "cython", "hlopt-C": "c", "hlopt-Zig": "zig"}
#: the sides that only run on kernels inside the C/Zig subset
SUBSET_SIDES = ("hlopt-C", "hlopt-Zig", "hand-C")


def installed(k, side: str = "hlopt") -> bool:
    """Whether hlopt installed ``side``'s extension on kernel ``k``."""
    return bool(k.infos.get(side, {}).get("installed"))


def outside(kernels: list) -> list[str]:
    """Why the C/Zig sides did not run on a kernel (the IR's refusal)."""
    return [f"{k.stem} outside the C/Zig subset ({', '.join(SUBSET_SIDES)} not run): "
            f"{k.outside}" for k in kernels if k.outside]


def relative(k, side: str, base: str = "hand-C") -> float | None:
    """``side``'s time per call over ``base``'s (lower is better)."""
    if side not in k.best or base not in k.best:
        return None
    return k.best[side] / k.best[base]


def noise(k, side: str) -> float:
    """How far this run's median repeat of ``side`` lies above its best (0.03: 3%): two
    sides whose best times differ by less cannot be told apart in this run."""
    import statistics

    ts = k.times.get(side) or []
    return statistics.median(ts) / min(ts) - 1 if ts else 0.0


def subset_table(kernels: list) -> list[str]:
    subset = [k for k in kernels if k.outside == ""]
    if not subset:
        return []
    lines = [f"C/Zig subset: time per call relative to hand-written C (lower is better; "
             f"target <= {TARGET_HANDC}x, and C/Zig never slower than hlopt's Cython backend)",
             f"{'kernel':<30} {'hand-C us':>10} {'hlopt-C':>8} {'hlopt-Zig':>9} "
             f"{'hlopt(Cy)':>9}  verified (bench check; hlopt verify)"]
    for k in subset:
        hand = f"{k.best['hand-C'] * 1e6:.2f}" if "hand-C" in k.best else \
            ("failed" if "hand-C" in k.failed else "-")
        cells = [_ratio(k, side) for side in ("hlopt-C", "hlopt-Zig", "hlopt")]
        lines.append(f"{k.stem + ':' + k.func:<30} {hand:>10} {cells[0]:>8} {cells[1]:>9} "
                     f"{cells[2]:>9}  {_native_verified(k)}")
    return [*lines, ""]


def _ratio(k, side: str) -> str:
    r = relative(k, side)
    if r is None:
        return "failed" if side in k.failed else "-"
    mark = "*" if side in HLOPT_SIDES and not installed(k, side) else ""
    return f"{r:.2f}x{mark}" + ("!" if side in k.mismatches else "")


def _native_verified(k) -> str:
    parts = []
    for side in ("hlopt-C", "hlopt-Zig", "hand-C"):
        if side not in k.sides:
            continue
        mine = "MISMATCH" if side in k.mismatches else f"equal on {len(k.inputs)}"
        hl = k.infos.get(side, {}).get("verified")
        parts.append(f"{side.removeprefix('hlopt-')}: {mine}" + (f"; {hl}" if hl else ""))
    return " | ".join(parts) or "-"


def native_targets(kernels: list) -> list[str]:
    """Issue 6: hlopt-C and hlopt-Zig within 1.5x of hand-C, never slower than hlopt's
    Cython backend, verified equal; met / not met with the figures."""
    subset = [k for k in kernels if k.outside == ""]
    sides = [s for s in ("hlopt-C", "hlopt-Zig") if any(s in k.infos for k in subset)]
    if not subset or not sides:
        return ["target (C/Zig): C and Zig sides skipped"]
    out = []
    for side in sides:
        ratios = {k.stem: relative(k, side) for k in subset}
        misses = [f"{stem} {'no figure' if r is None else f'{r:.2f}x'}"
                  for stem, r in ratios.items() if r is None or r > TARGET_HANDC]
        worst = max(((r, stem) for stem, r in ratios.items() if r is not None), default=None)
        head = f"target: {side} within {TARGET_HANDC}x of hand-C on every subset kernel: "
        if worst is None:
            out.append(head + "not measured (no hand-C figures)")
        else:
            out.append(head + ("met" if not misses else f"NOT met ({', '.join(misses)})")
                       + f"; worst {worst[0]:.2f}x ({worst[1]})")
        out += _vs_cython(subset, side)
        bad = [k.stem for k in subset if not installed(k, side) or side in k.mismatches
               or not k.infos.get(side, {}).get("ok")]
        out.append(f"target: {side} verified equal and installed on every subset kernel: "
                   + ("met" if not bad else f"NOT met ({', '.join(bad)})"))
    return out


def _vs_cython(subset: list, side: str) -> list[str]:
    """Slower than hlopt's Cython backend: beyond this run's noise of either side; a best
    time above Cython's by less than that noise is a tie, named as such."""
    head = f"target: {side} never slower than hlopt's Cython backend: "
    vs = {k.stem: (relative(k, side, "hlopt"), max(noise(k, side), noise(k, "hlopt")))
          for k in subset}
    unknown = [stem for stem, (r, _) in vs.items() if r is None]
    if len(unknown) == len(subset):
        return [head + "not measured (no figures of hlopt's Cython backend)"]
    slower = [f"{stem} {r:.2f}x" for stem, (r, n) in vs.items() if r is not None and r > 1 + n]
    ties = [f"{stem} {r:.2f}x (noise {n:.0%})" for stem, (r, n) in vs.items()
            if r is not None and 1 < r <= 1 + n]
    return [head + (f"NOT met ({', '.join(slower)} of its time)" if slower else "met")
            + (f"; ties within this run's noise: {', '.join(ties)}" if ties else "")
            + (f"; no figure for {', '.join(unknown)}" if unknown else "")]
