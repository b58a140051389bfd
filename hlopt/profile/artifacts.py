"""Write what ``-o`` asks for, chosen by extension: speedscope JSON, pyinstrument HTML, a
flame graph SVG, or the report JSON other hlopt commands read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hlopt.core.errors import UsageError
from hlopt.core.files import write_text_atomic
from hlopt.core.report import Artifact, Report
from hlopt.profile.model import Frame, FunctionId, Profile, resolve
from hlopt.profile.options import output_kind

MARKER = "_hlopt_target"

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"
_DESCRIPTIONS = {
    "speedscope": "open in https://www.speedscope.app",
    "html": "pyinstrument's interactive view; open in a browser",
    "flamegraph": "flame graph; open in a browser",
    "report": "report JSON (hlopt nativize --from-profile, hlopt debloat --profile)",
}


def needs_stacks(outputs: tuple[Path, ...]) -> list[Path]:
    """The outputs that cannot be drawn from per-function totals alone."""
    return [p for p in outputs if output_kind(p) in ("speedscope", "html", "flamegraph")]


def write_all(outputs: tuple[Path, ...], profile: Profile, report: Report) -> None:
    """Write every ``-o`` output; the report JSON last, so it lists the others."""
    for path in outputs:
        kind = output_kind(path)
        if kind == "report":
            continue
        if not profile.has_stacks:
            report.notes.append(f"{path}: not written, {profile.engine} recorded no stacks "
                                "(use --engine py-spy or pyinstrument)")
            continue
        _write(path, _render(kind, profile, report.target))
        report.artifacts.append(Artifact(kind, path, _DESCRIPTIONS[kind]))
    reports = [p for p in outputs if output_kind(p) == "report"]
    for path in reports:
        report.artifacts.append(Artifact("report", path, _DESCRIPTIONS["report"]))
    for path in reports:
        _write(path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")


def _render(kind: str, profile: Profile, title: str) -> str:
    if kind == "speedscope":
        return json.dumps(speedscope(profile, title), ensure_ascii=False)
    if kind == "flamegraph":
        from hlopt.profile.flame import render_svg

        return render_svg(profile, f"hlopt profile {title} ({profile.engine}, "
                                   f"{profile.mode}, {profile.wall_s:.2f} s)")
    return pyinstrument_html(profile, title)


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and one rename, so a reader never sees half a file."""
    if not path.parent.is_dir():
        raise UsageError(f"-o {path}: directory {path.parent} does not exist")
    write_text_atomic(path, text)


def speedscope(profile: Profile, title: str) -> dict[str, Any]:
    """A speedscope ``sampled`` profile, one frame per function."""
    index: dict[FunctionId, int] = {}
    frames: list[dict[str, Any]] = []
    cache: dict[Frame, int] = {}
    samples, weights = [], []
    for stack, weight in profile.samples:
        row = []
        for frame in stack:
            i = cache.get(frame)
            if i is None:
                fid = resolve(frame)
                if fid not in index:
                    index[fid] = len(frames)
                    frames.append({"name": fid.qualname, "file": fid.file,
                                   "line": fid.line or None})
                i = cache[frame] = index[fid]
            row.append(i)
        samples.append(row)
        weights.append(weight)
    total = sum(weights)
    return {
        "$schema": SPEEDSCOPE_SCHEMA, "exporter": "hlopt profile", "name": title,
        "activeProfileIndex": 0, "shared": {"frames": frames},
        "profiles": [{"type": "sampled", "name": f"{title} ({profile.engine})",
                      "unit": "seconds", "startValue": 0, "endValue": total,
                      "samples": samples, "weights": weights}],
    }


def pyinstrument_html(profile: Profile, title: str) -> str:
    """pyinstrument's HTML renderer, on its own session or on one built from the stacks."""
    from pyinstrument.renderers.html import HTMLRenderer
    from pyinstrument.session import Session

    raw = profile.raw or {}
    if "pyinstrument_session" in raw:  # its own session: keep its await and class details
        session = Session.load(raw["pyinstrument_session"])
        records = [(_below_runner(stack), w) for stack, w in session.frame_records]
        session.frame_records = [(stack, w) for stack, w in records if stack]
    else:
        records = [([_identifier(f) for f in stack], weight) for stack, weight in profile.samples]
        session = Session(
            frame_records=records, start_time=0.0, duration=profile.wall_s,
            min_interval=profile.interval_s or 0.001, max_interval=profile.interval_s or 0.001,
            sample_count=len(records), start_call_stack=[], target_description=title,
            cpu_time=profile.cpu_s or 0.0, sys_path=[], sys_prefixes=[])
    session.start_call_stack = ["[hlopt]\x00\x000"]  # matches no root: nothing is trimmed
    session.target_description = title
    return HTMLRenderer().render(session)


def _below_runner(stack: list[str]) -> list[str]:
    """A pyinstrument stack without hlopt's runner and runpy frames."""
    cut = [i for i, ident in enumerate(stack) if ident.split("\x00", 1)[0] == MARKER]
    if not cut:
        return []
    rest = stack[cut[-1] + 1:]
    while rest and _file_of(rest[0]).endswith(("runpy.py", "<frozen runpy>")):
        rest = rest[1:]
    return rest


def _file_of(ident: str) -> str:
    parts = ident.split("\x01", 1)[0].split("\x00")
    return parts[1] if len(parts) > 1 else ""


def _identifier(frame: Frame) -> str:
    """pyinstrument's frame id: ``name\\x00file\\x00first_line`` plus the current line."""
    fid = resolve(frame)
    ident = f"{fid.name}\x00{fid.file}\x00{fid.line}"
    cls = fid.qualname.rsplit(".", 1)[0] if "." in fid.qualname else ""
    if cls and "<locals>" not in cls:
        ident += f"\x01c{cls}"
    return ident + (f"\x01l{frame.line}" if frame.line else "")
