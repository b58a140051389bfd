"""Fixtures for the MCP server tests: a small project, the CLI's JSON, stdio parameters."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/util.py": """
        import json
        import os


        def used():
            return json.dumps([])


        def _never_called():
            return 1
    """,
    "app.py": """
        from pkg.util import used

        print(used())
    """,
    "hot.py": """
        def spin(n):
            total = 0
            for i in range(n):
                total += i * i
            return total


        def main():
            for _ in range(20):
                spin(20_000)


        main()
    """,
    # writes its pid and a detached grandchild's pid, then runs until it is stopped
    "sleeper.py": """
        import os
        import subprocess
        import sys
        import time

        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                 start_new_session=True)
        with open(sys.argv[1] + ".tmp", "w") as f:
            f.write(f"{os.getpid()} {child.pid}")
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
        while True:
            time.sleep(0.05)
    """,
    "benchme.py": """
        def fast(n=2000):
            return sum(range(n))


        def slow(n=2000):
            total = 0
            for i in range(n):
                total += i
            return total
    """,
    "sysroot/net/core/somaxconn": "4096\n",
    "sysroot/net/core/netdev_max_backlog": "1000\n",
    "sysroot/net/ipv4/tcp_max_syn_backlog": "2048\n",
    "sysroot/net/ipv4/tcp_fin_timeout": "60\n",
    "sysroot/kernel/osrelease": "6.1.0-test\n",
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project under ``tmp_path/project``: a package, scripts, a captured /proc/sys."""
    root = tmp_path / "project"
    for rel, text in PROJECT.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def running(pattern: str) -> list[int]:
    """Descendants of this test process whose command line contains ``pattern``."""
    from hlopt.mcp_server.procs import descendants

    found = []
    for pid in descendants(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if pattern in cmdline:
            found.append(pid)
    return found


def is_alive(pid: int) -> bool:
    """A process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class Kit:
    """Helpers the MCP tests share (a fixture, since test modules cannot import conftest)."""

    @staticmethod
    def cli_json(args: list[str], cwd: Path) -> dict[str, Any]:
        """``hlopt ARGS --format json`` in a real process run in ``cwd``: the parsed document."""
        command = [sys.executable, "-m", "hlopt", args[0], "--format", "json", *args[1:]]
        out = subprocess.run(command,
                             cwd=cwd, capture_output=True, text=True, timeout=120)
        assert out.returncode in (0, 1), out.stderr
        return json.loads(out.stdout)

    @staticmethod
    def stable(report: dict[str, Any]) -> dict[str, Any]:
        """The report without what changes from run to run (the wall time)."""
        return {k: v for k, v in report.items() if k != "duration_s"}

    @staticmethod
    def masked(value: Any) -> Any:
        """A report without what a second measurement changes: every float, every number
        written in a message or note, the wall time; the shape and the rest stay."""
        if isinstance(value, dict):
            return {k: Kit.masked(v) for k, v in value.items() if k != "duration_s"}
        if isinstance(value, list):
            return [Kit.masked(v) for v in value]
        if isinstance(value, float):
            return "<float>"
        if isinstance(value, str):
            return re.sub(r"\d+(\.\d+)?(e-?\d+)?", "N", value)
        return value

    @staticmethod
    def read_pids(path: Path, timeout: float = 60.0) -> list[int]:
        """The pids ``sleeper.py`` wrote, once it has written them."""
        deadline = time.monotonic() + timeout
        while not path.exists():
            assert time.monotonic() < deadline, "the profiled program never started"
            time.sleep(0.05)
        return [int(p) for p in path.read_text().split()]

    @staticmethod
    def wait_gone(pids: list[int] | set[int], timeout: float = 30.0) -> list[int]:
        """Wait until none of ``pids`` is alive; return those still alive at the deadline."""
        deadline = time.monotonic() + timeout
        alive = sorted(pids)
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [p for p in alive if is_alive(p)]
        return alive

    running = staticmethod(running)

    @staticmethod
    def server_params(root: Path, *flags: str, env: dict[str, str] | None = None) -> Any:
        """How to start a real ``hlopt mcp --root ROOT FLAGS`` over stdio."""
        from mcp import StdioServerParameters

        keep = ("PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
        env = {k: os.environ[k] for k in keep if k in os.environ} | (env or {})
        return StdioServerParameters(command=sys.executable,
                                     args=["-m", "hlopt", "mcp", "--root", str(root), *flags],
                                     env=env | {"PYTHONUNBUFFERED": "1"}, cwd=str(root))


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
