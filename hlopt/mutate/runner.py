"""Drive one warm pytest session (``pytest_plugin/hlopt_mutate_pytest.py``) over two pipes.

The session runs in the project's interpreter, in its own process group, with its output
in a log file outside the project; nothing is written into the project (no bytecode, no
``.pytest_cache``). Leaving the ``with`` block, normally or by Ctrl-C, stops the whole
group.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from hlopt.core.errors import InputError
from hlopt.core.progress import Progress
from hlopt.core.run import terminate
from hlopt.mutate.model import CleanRun
from hlopt.mutate.project import Project

PLUGIN_DIR = Path(__file__).parent / "pytest_plugin"


class Session:
    """A pytest process that collected the project's tests once and forks from there."""

    def __init__(self, project: Project, *, block_native: bool = False) -> None:
        self.project = project
        self.block_native = block_native
        self.proc: subprocess.Popen[bytes] | None = None
        self.reader: IO[str] | None = None
        self.wfd = -1
        #: where the tests' tools write instead of the project (hypothesis, pytest-benchmark)
        self.scratch = Path(tempfile.mkdtemp(prefix="hlopt-mutate-"))
        self.log_path = self.scratch / "pytest.log"
        self.collected: list[str] = []
        self.rootdir = project.root

    def __enter__(self) -> Session:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        to_child, from_us = os.pipe()
        to_us, from_child = os.pipe()
        env = dict(os.environ)
        paths = [str(PLUGIN_DIR), *map(str, self.project.source_roots)]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env.update(PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE="1",
                   HLOPT_MUTATE_FDS=f"{to_child},{from_child}",
                   HLOPT_MUTATE_SCRATCH=str(self.scratch),
                   HYPOTHESIS_STORAGE_DIRECTORY=str(self.scratch / "hypothesis"))
        if self.block_native:
            env["HLOPT_MUTATE_BLOCK"] = "_hlopt_"
        argv = [str(self.project.python), "-m", "pytest", "-p", "hlopt_mutate_pytest",
                "-p", "no:cacheprovider", "-q", *self.project.pytest_args]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                argv, cwd=self.project.root, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, pass_fds=(to_child, from_child),
                start_new_session=True)
        os.close(to_child)
        os.close(from_child)
        self.reader = os.fdopen(to_us, "r", encoding="utf-8")
        self.wfd = from_us

    def close(self) -> None:
        if self.proc is not None:
            terminate(self.proc)
            self.proc = None
        if self.wfd >= 0:
            os.close(self.wfd)
            self.wfd = -1
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        shutil.rmtree(self.scratch, ignore_errors=True)

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.wfd, data):]

    def recv(self) -> dict[str, Any]:
        assert self.reader is not None
        line = self.reader.readline()
        if not line:
            raise InputError(self._death(), hint=f"the command was: {self._command()}")
        return dict(json.loads(line))

    def _command(self) -> str:
        args = " ".join(self.project.pytest_args)
        return f"{self.project.python} -m pytest {args}".strip()

    def _death(self) -> str:
        """Why the session ended early, from its log (collection errors, usage errors)."""
        code = self.proc.wait() if self.proc is not None else None
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("!!!")]
        errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")][:1]
        tail = "; ".join(errors + lines[-2:])[-400:]
        return f"pytest stopped before any mutant ran (exit {code}): {tail or 'no output'}"

    def collect(self) -> list[str]:
        hello = self.recv()
        self.collected = list(hello["collected"])
        self.rootdir = Path(hello.get("rootdir") or self.project.root)
        return self.collected

    def clean_run(self, progress: Progress) -> CleanRun:
        """Run the unmutated suite once; the tests it selects per function come from here."""
        self.send({"files": [str(f) for f in self.project.files],
                   "modules": list(self.project.modules)})
        results: list[dict[str, Any]] | None = None
        total = len(self.collected)
        progress("clean run", 0, total)
        while True:
            msg = self.recv()
            if "progress" in msg:
                progress("clean run", int(msg["progress"]), total)
            elif "clean" in msg:
                results = msg["clean"]
            elif "clean_done" in msg:
                break
        if results is None:
            raise InputError("the clean test run crashed before it finished",
                             hint=f"run it yourself: {self._command()}")
        return _clean(self.collected, results, self.project.root)

    def run_mutants(self, payload: list[dict[str, Any]], jobs: int) -> Iterator[dict[str, Any]]:
        """Send the mutants; yield each result as its child ends."""
        self.send({"mutants": payload, "jobs": jobs})
        while True:
            msg = self.recv()
            if msg.get("done"):
                return
            yield msg


def _clean(tests: list[str], results: list[dict[str, Any]], root: Path) -> CleanRun:
    run = CleanRun(tests=tests)
    for nodeid, r in zip(tests, results, strict=False):
        run.durations[nodeid] = float(r["t"])
        run.seconds += float(r["t"])
        if r["f"]:
            run.failed.append(f"{nodeid}: {r['why']}" if r.get("why") else nodeid)
        for path, qualname in r["hit"]:
            rel = Path(path).relative_to(root).as_posix() if Path(path).is_relative_to(root) \
                else path
            run.coverage.setdefault(f"{rel}:{qualname}", []).append(nodeid)
    return run

