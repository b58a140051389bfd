"""Fixtures for ``hlopt profile`` tests: the bench workload, py-spy's availability, fakes."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "bench" / "workloads" / "mixed.py"
#: the real permission error py-spy prints as root in a container without CAP_SYS_PTRACE
PTRACE_REFUSAL = (
    "Permission Denied\n\nIt looks like you are running in a docker container. Please make "
    "sure you started your container with the SYS_PTRACE capability. See "
    "https://github.com/benfred/py-spy#how-do-i-run-py-spy-in-docker for more details\n")


@functools.cache
def py_spy_problem() -> str | None:
    """Why py-spy cannot profile a child process here, or None when it can."""
    from hlopt.profile.engines.pyspy import find_binary

    binary = find_binary()
    if binary is None:
        return "py-spy is not installed"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "probe.json"
        proc = subprocess.run(
            [binary, "record", "--format", "speedscope", "-o", str(out), "--",
             sys.executable, "-c", "sum(range(10**6))"],
            capture_output=True, text=True, timeout=60)
        if not out.is_file():
            return f"py-spy cannot trace a child process here: {proc.stderr.strip()[:200]}"
    return None


@functools.cache
def attach_problem() -> str | None:
    """Why py-spy cannot attach to a process it did not start (Yama ptrace_scope 1 in CI)."""
    from hlopt.profile.engines.pyspy import find_binary

    problem = py_spy_problem()
    if problem:
        return problem
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)
        proc = subprocess.run([find_binary(), "dump", "--pid", str(sleeper.pid)],
                              capture_output=True, text=True, timeout=60)
    finally:
        sleeper.kill()
        sleeper.wait()
    if proc.returncode != 0:
        return f"py-spy cannot attach to another process here: {proc.stderr.strip()[:200]}"
    return None


@pytest.fixture
def needs_py_spy_attach() -> None:
    problem = attach_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture
def needs_py_spy() -> None:
    problem = py_spy_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture
def fake_py_spy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A py-spy that refuses like the real one does without ptrace rights."""
    fake = tmp_path / "bin" / "py-spy"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stderr.write({PTRACE_REFUSAL!r})\nsys.exit(1)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("HLOPT_PY_SPY", str(fake))
    return fake


@pytest.fixture
def script(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented script under tmp_path and return its path."""

    def make(text: str, name: str = "prog.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


class ProfileRunner:
    """``prof.run([...])``: ``hlopt profile ... --format json`` in-process, parsed."""

    def __init__(self, invoke) -> None:  # noqa: ANN001 - the shared `invoke` fixture
        self.invoke = invoke

    def run(self, args: list[str], exit_code: int = 0) -> dict:
        result = self.invoke(["profile", "--format", "json", *args], exit_code=exit_code)
        doc = json.loads(result.stdout)
        doc["_stderr"] = result.stderr
        return doc

    @staticmethod
    def hot(doc: dict) -> list[dict]:
        """The HLH001 findings' data, by rank."""
        rows = [f["data"] for f in doc["findings"] if f["code"] == "HLH001"]
        return sorted(rows, key=lambda d: d["rank"])

    @staticmethod
    def codes(doc: dict, code: str) -> list[dict]:
        return [f for f in doc["findings"] if f["code"] == code]


@pytest.fixture
def prof(invoke) -> ProfileRunner:  # noqa: ANN001 - the shared `invoke` fixture
    return ProfileRunner(invoke)
