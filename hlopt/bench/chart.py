"""Before/after distribution charts: SVG written by hand, PNG through matplotlib (optional).

One panel per benchmark and metric: each side's rounds as dots over a box (quartiles),
whiskers (min to max) and a median bar, on a shared axis, titled with the ratio, its
confidence interval and the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from hlopt.bench.model import Result
from hlopt.bench.stats import quantile
from hlopt.bench.verdicts import scale
from hlopt.core.errors import ToolchainError, UsageError

_PLAIN = {"same": "no significant difference", "inconclusive": "inconclusive"}
_WORDS = {
    "wall": {**_PLAIN, "slower": "slower", "faster": "faster"},
    "cpu": {**_PLAIN, "slower": "slower", "faster": "faster"},
    "rss": {**_PLAIN, "slower": "larger", "faster": "smaller"},
    "instructions": {**_PLAIN, "slower": "more", "faster": "fewer"},
}
WIDTH = 760
LEFT, RIGHT = 150, 730
ROW = 40
_COLOR = {"before": "#8a94a6", "after": "#2f6fdf"}
_VERDICT = {"slower": "#c0392b", "faster": "#1e8449", "same": "#555555",
            "inconclusive": "#555555", "measured": "#555555"}


def write_chart(path: Path, results: Sequence[Result], *, title: str) -> None:
    """Write the chart of ``results`` to ``path`` (.svg, or .png with matplotlib)."""
    if not results:
        raise UsageError("nothing to chart: no benchmark was measured")
    if path.suffix.lower() == ".png":
        write_png(path, results, title=title)
    else:
        path.write_text(render_svg(results, title=title), encoding="utf-8")


def sides(r: Result) -> list[tuple[str, str, Sequence[float]]]:
    """(key, label, samples) of each side present, before first."""
    out = []
    if r.before:
        out.append(("before", r.before_label or "before", r.before))
    out.append(("after", r.after_label or "after", r.after))
    return out


def heading(r: Result) -> tuple[str, str]:
    """The panel title and its verdict word."""
    est = r.estimate
    name = f"{r.benchmark}: {r.kind.title}"
    if est is None:
        return name, "measured"
    ci = f" [{est.ci[0]:.3f}, {est.ci[1]:.3f}]" if est.ci else ""
    return f"{name}: ratio {est.ratio:.3f}{ci}, {_WORDS[r.metric].get(est.verdict)}", \
        est.verdict


def render_svg(results: Sequence[Result], *, title: str) -> str:
    """The whole chart as an SVG document."""
    parts, y = [], 40
    for r in results:
        panel, height = _panel(r, y)
        parts.append(panel)
        y += height
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 10}" '
            f'viewBox="0 0 {WIDTH} {y + 10}" font-family="sans-serif" font-size="12">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            f'<text x="10" y="22" font-size="14" font-weight="bold">{escape(title)}</text>\n')
    return head + "".join(parts) + "</svg>\n"


def _panel(r: Result, top: int) -> tuple[str, int]:
    rows = sides(r)
    values = [v for _, _, vs in rows for v in vs]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or abs(hi) * 0.01 or 1.0
    lo, hi = lo - pad, hi + pad
    factor, unit = scale((lo + hi) / 2, r.kind.unit)

    def x(v: float) -> float:
        return LEFT + (v - lo) / (hi - lo) * (RIGHT - LEFT)

    text, verdict = heading(r)
    out = [f'<text x="10" y="{top + 14}" fill="{_VERDICT[verdict]}" '
           f'font-weight="bold">{escape(text)}</text>\n']
    for i, (key, label, samples) in enumerate(rows):
        out.append(_row(samples, top + 30 + i * ROW, key, label, x))
    axis_y = top + 30 + len(rows) * ROW
    out.append(_axis(axis_y, lo, hi, factor, unit, x))
    return "".join(out), axis_y - top + 40


def _row(samples: Sequence[float], y: int, key: str, label: str,
         x: Callable[[float], float]) -> str:
    color = _COLOR[key]
    q1, med, q3 = (quantile(samples, q) for q in (0.25, 0.5, 0.75))
    mid = y + ROW / 2 - 4
    out = [f'<text x="10" y="{mid + 4:.1f}">{escape(_short(label))}</text>\n',
           f'<line x1="{x(min(samples)):.1f}" y1="{mid:.1f}" x2="{x(max(samples)):.1f}" '
           f'y2="{mid:.1f}" stroke="{color}" stroke-width="1"/>\n',
           f'<rect x="{x(q1):.1f}" y="{mid - 9:.1f}" width="{max(x(q3) - x(q1), 1):.1f}" '
           f'height="18" fill="{color}" fill-opacity="0.25" stroke="{color}"/>\n',
           f'<line x1="{x(med):.1f}" y1="{mid - 11:.1f}" x2="{x(med):.1f}" y2="{mid + 11:.1f}" '
           f'stroke="{color}" stroke-width="3"/>\n']
    for i, v in enumerate(samples):
        jitter = ((i * 7919) % 13 - 6) * 1.1
        out.append(f'<circle cx="{x(v):.1f}" cy="{mid + jitter:.1f}" r="2.5" fill="{color}" '
                   'fill-opacity="0.8"/>\n')
    return "".join(out)


def _axis(y: int, lo: float, hi: float, factor: float, unit: str,
          x: Callable[[float], float]) -> str:
    out = [f'<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="#333"/>\n']
    for v in ticks(lo * factor, hi * factor):
        px = x(v / factor)
        out.append(f'<line x1="{px:.1f}" y1="{y}" x2="{px:.1f}" y2="{y + 4}" stroke="#333"/>\n')
        out.append(f'<text x="{px:.1f}" y="{y + 16}" text-anchor="middle" font-size="11">'
                   f'{tick_label(v)}</text>\n')
    out.append(f'<text x="{RIGHT}" y="{y + 30}" text-anchor="end" font-size="11">{unit}</text>\n')
    return "".join(out)


def tick_label(v: float) -> str:
    """``250``, ``25k``, ``1.5M``: short enough to sit under a tick."""
    for threshold, divisor, suffix in ((1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(v) >= threshold:
            return f"{v / divisor:.6g}{suffix}"
    return f"{v:.6g}"


def ticks(lo: float, hi: float, count: int = 7) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) inside [lo, hi]."""
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step)
    return [k * step for k in range(first, math.floor(hi / step) + 1)]


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else "..." + label[-(limit - 3):]


def write_png(path: Path, results: Sequence[Result], *, title: str) -> None:
    """The same chart through matplotlib (the optional ``hlopt[chart]`` extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ToolchainError("a PNG chart needs matplotlib, which is not installed",
                             hint="pip install 'hlopt[chart]', or write -o chart.svg") from None
    fig, axes = plt.subplots(len(results), 1, figsize=(8, 1.2 + 1.1 * len(results) * 2),
                             squeeze=False)
    for ax, r in zip(axes[:, 0], results, strict=True):
        _png_panel(ax, r)
    fig.suptitle(title, fontsize=11, x=0.01, ha="left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _png_panel(ax: Any, r: Result) -> None:  # ax: a matplotlib Axes (optional dependency)
    rows = sides(r)
    factor, unit = scale(sum(rows[0][2]) / len(rows[0][2]), r.kind.unit)
    data = [[v * factor for v in vs] for _, _, vs in rows]
    import matplotlib

    flat = {"orientation": "horizontal"} if matplotlib.__version_info__ >= (3, 10) \
        else {"vert": False}
    ax.boxplot(data, widths=0.5, showfliers=False, **flat)
    for i, (key, _, _) in enumerate(rows, 1):
        ys = [i + ((j * 7919) % 13 - 6) * 0.02 for j in range(len(data[i - 1]))]
        ax.scatter(data[i - 1], ys, s=10, color=_COLOR[key], alpha=0.8, zorder=3)
    ax.set_yticks(range(1, len(rows) + 1), [_short(label) for _, label, _ in rows])
    text, verdict = heading(r)
    ax.set_title(text, fontsize=9, loc="left", color=_VERDICT[verdict])
    ax.set_xlabel(unit, fontsize=8)
