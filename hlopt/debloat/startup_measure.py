"""Measure an entry module's import with ``python -X importtime``, several runs, medians.

The child is the target project's interpreter (``core.run.find_interpreter``). It prints
a marker on stderr just before ``import entry``, so the interpreter's own start-up
(``site``, ``encodings``) is left out; bytecode goes to a temporary
``PYTHONPYCACHEPREFIX`` so the analysed tree gets no ``__pycache__``. One warm-up run
compiles the bytecode, then ``runs`` timed runs give each module's median self and
cumulative time. A failed import gives an ``ImportFailure`` with the traceback's last
line and the deepest file and line it names.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_MARK = "@@hlopt-startup@@"
_LINE = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S+)\s*$")
_FILE = re.compile(r'^\s*File "([^"]+)", line (\d+)')
#: one import may take this long before the child is stopped
TIMEOUT_S = 60.0


@dataclass
class Node:
    """One module in the import tree; times in milliseconds (medians over the runs)."""

    name: str
    self_ms: float
    cum_ms: float
    children: list[Node] = field(default_factory=list)

    def walk(self, chain: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Node]]:
        """(chain of ancestors, node) for this node and every descendant."""
        out = [(chain, self)]
        for c in self.children:
            out.extend(c.walk((*chain, self.name)))
        return out


@dataclass
class Measurement:
    roots: list[Node]
    #: median over the runs of the whole ``import entry`` (ms)
    total_ms: float
    runs: int
    version: tuple[int, int]


@dataclass
class ImportFailure:
    message: str
    file: str | None
    line: int | None


def parse(stderr: str) -> list[Node]:
    """The import tree ``-X importtime`` printed after the marker (post-order, indented)."""
    text = stderr.split(_MARK, 1)[1] if _MARK in stderr else stderr
    pending: list[tuple[int, Node]] = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        depth = len(m.group(3)) // 2
        node = Node(m.group(4), int(m.group(1)) / 1000, int(m.group(2)) / 1000)
        children = []
        while pending and pending[-1][0] > depth:
            children.append(pending.pop()[1])
        node.children = children[::-1]
        pending.append((depth, node))
    return [n for _, n in pending]


def measure(interpreter: Path, module: str, cwd: Path, path_root: Path | None,
            runs: int = 5) -> Measurement | ImportFailure:
    """Import ``module`` ``runs`` times (after a warm-up) and take the medians."""
    from hlopt.core.run import run

    code = (f"import sys; print(sys.version_info[0], sys.version_info[1]); "
            f"print({_MARK!r}, file=sys.stderr, flush=True); import {module}")
    with tempfile.TemporaryDirectory(prefix="hlopt-startup-") as cache:
        env = _env(path_root, cache)
        trees: list[list[Node]] = []
        version = (0, 0)
        for i in range(runs + 1):
            done = run([str(interpreter), "-X", "importtime", "-c", code], cwd=cwd, env=env,
                       timeout=TIMEOUT_S)
            if done.timed_out:
                return ImportFailure(f"importing `{module}` took over {TIMEOUT_S:g} s", None,
                                     None)
            if done.returncode != 0:
                return failure(done.stderr, module)
            if i:
                trees.append(parse(done.stderr))
            major, minor = (done.stdout.split() + ["0", "0"])[:2]
            version = (int(major), int(minor))
    return _median(trees, version)


def _env(path_root: Path | None, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    if path_root is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(path_root), env.get("PYTHONPATH", "")) if p)
    env["PYTHONPYCACHEPREFIX"] = cache
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def failure(stderr: str, module: str) -> ImportFailure:
    """The traceback's last line and the deepest ``File "...", line N`` it names."""
    lines = [ln for ln in stderr.split(_MARK, 1)[-1].splitlines()
             if ln.strip() and not _LINE.match(ln)]
    files = [m for ln in lines if (m := _FILE.match(ln)) and not m.group(1).startswith("<")]
    last = lines[-1].strip() if lines else f"importing `{module}` failed"
    if not files:
        return ImportFailure(last, None, None)
    return ImportFailure(last, files[-1].group(1), int(files[-1].group(2)))


def _median(trees: list[list[Node]], version: tuple[int, int]) -> Measurement:
    """The last run's tree, with every module's times the median over all runs."""
    times: dict[str, list[tuple[float, float]]] = {}
    totals = []
    for roots in trees:
        totals.append(sum(r.cum_ms for r in roots))
        for r in roots:
            for _, n in r.walk():
                times.setdefault(n.name, []).append((n.self_ms, n.cum_ms))
    roots = trees[-1] if trees else []
    for r in roots:
        for _, n in r.walk():
            pairs = times[n.name]
            n.self_ms = statistics.median(p[0] for p in pairs)
            n.cum_ms = statistics.median(p[1] for p in pairs)
    total = statistics.median(totals) if totals else 0.0
    return Measurement(roots, total, len(trees), version)
