"""A flame graph as a standalone SVG, drawn from the profile's stacks (no external tool).

Brendan Gregg's layout: the root at the bottom, callees stacked above their callers, each
box as wide as its share of the samples, merged by function. Colours tell where the code
lives (the program, the standard library, installed packages, C and native code); every
box has a tooltip with its time and share.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from html import escape

from hlopt.profile.model import Frame, FunctionId, Profile, resolve

WIDTH = 1200
ROW = 17
PAD = 10
TOP = 48
MIN_PX = 0.4
CHAR_PX = 6.6
#: (hue range start, width, saturation, lightness) per scope
_PALETTE = {
    "user": (2, 26, 80, 60), "stdlib": (44, 12, 85, 58), "library": (95, 40, 45, 55),
    "builtin": (190, 25, 55, 60), "native": (265, 25, 30, 65),
}


@dataclass
class Node:
    fid: FunctionId | None
    weight: float = 0.0
    children: dict[FunctionId, Node] = field(default_factory=dict)


def build_tree(profile: Profile) -> Node:
    """Merge the stacks into a tree of functions with summed weights."""
    root = Node(None)
    cache: dict[Frame, FunctionId] = {}
    for stack, weight in profile.samples:
        node = root
        node.weight += weight
        for frame in stack:
            fid = cache.get(frame) or cache.setdefault(frame, resolve(frame))
            child = node.children.get(fid)
            if child is None:
                child = node.children[fid] = Node(fid)
            child.weight += weight
            node = child
    return root


def render_svg(profile: Profile, title: str) -> str:
    """The flame graph of ``profile`` as an SVG document."""
    root = build_tree(profile)
    depth = _depth(root)
    height = TOP + (depth + 1) * ROW + PAD
    total = root.weight or 1.0
    scale = (WIDTH - 2 * PAD) / total
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Verdana, sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="#fbfbf8"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="15">'
        f"{escape(title)}</text>",
        _legend(),
    ]
    y0 = height - PAD - ROW
    _draw(root, PAD, y0, scale, total, parts)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _draw(root: Node, x: float, y: float, scale: float, total: float,
          parts: list[str]) -> None:
    """Lay boxes out left to right, each level one row up (iterative: stacks can be deep)."""
    todo = [(root, x, y + ROW)]
    while todo:
        node, x, y = todo.pop()
        if node.fid is not None:
            _box(node, x, y, scale, total, parts)
        for child in sorted(node.children.values(), key=lambda n: _label(n.fid)):
            if child.weight * scale >= MIN_PX:
                todo.append((child, x, y - ROW))
            x += child.weight * scale


def _box(node: Node, x: float, y: float, scale: float, total: float, parts: list[str]) -> None:
    assert node.fid is not None
    w = node.weight * scale
    label = _label(node.fid)
    where = f"{node.fid.file}:{node.fid.line}" if node.fid.line else node.fid.file
    tip = f"{label} ({where}): {node.weight:.3f} s, {node.weight / total:.1%}"
    parts.append(f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" y="{y:.1f}" '
                 f'width="{w:.1f}" height="{ROW - 1}" rx="2" fill="{_colour(node.fid)}"/>')
    chars = int((w - 6) / CHAR_PX)
    if chars >= 3:
        text = label if len(label) <= chars else label[: max(chars - 2, 1)] + ".."
        parts.append(f'<text x="{x + 3:.1f}" y="{y + ROW - 5:.1f}">{escape(text)}</text>')
    parts.append("</g>")


def _label(fid: FunctionId | None) -> str:
    return fid.qualname if fid is not None else ""


def _colour(fid: FunctionId) -> str:
    start, span, sat, light = _PALETTE.get(fid.scope, _PALETTE["user"])
    h = int(hashlib.md5(fid.qualname.encode(), usedforsecurity=False).hexdigest()[:4], 16)
    return f"hsl({start + h % span},{sat}%,{light}%)"


def _legend() -> str:
    items = []
    x = PAD
    for scope in ("user", "stdlib", "library", "builtin", "native"):
        start, _span, sat, light = _PALETTE[scope]
        items.append(f'<rect x="{x}" y="30" width="12" height="12" '
                     f'fill="hsl({start},{sat}%,{light}%)"/>'
                     f'<text x="{x + 16}" y="40" font-size="11">{scope}</text>')
        x += 90
    return "".join(items)


def _depth(node: Node) -> int:
    best = 0
    stack = [(node, 0)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in n.children.values())
    return best
