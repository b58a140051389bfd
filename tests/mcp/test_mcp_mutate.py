"""The mutate tool over MCP: it runs the project's tests, so it needs --allow-exec; parity."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

from mcp import Client  # noqa: E402 - after the skip above

from hlopt.mcp_server.roots import Policy  # noqa: E402 - idem
from hlopt.mcp_server.server import build_server  # noqa: E402 - idem

pytestmark = pytest.mark.anyio

TESTS = """\
from pkg.util import used


def test_used():
    assert used() == "[]"
"""


def server(root: Path, allow_exec: bool = False):
    return build_server(Policy.create([root], allow_exec=allow_exec))


async def test_mutate_runs_tests_so_it_needs_allow_exec(project: Path) -> None:
    async with Client(server(project)) as client:
        result = await client.call_tool("mutate", {"paths": ["pkg"]})
    assert result.is_error and "started without --allow-exec" in result.content[0].text


async def test_test_paths_outside_the_roots_are_refused(project: Path, tmp_path: Path) -> None:
    async with Client(server(project, allow_exec=True)) as client:
        result = await client.call_tool("mutate", {"paths": ["pkg"], "tests": ["/etc"]})
    assert result.is_error and "outside the server's roots" in result.content[0].text


async def test_mutate_equals_the_cli(project: Path, kit) -> None:
    (project / "pyproject.toml").write_text("")
    (project / "tests").mkdir()
    (project / "tests" / "test_util.py").write_text(TESTS)
    args = ["pkg", "--tests", "pytest tests", "--no-cache"]
    cli = kit.cli_json(["mutate", *args], project)
    async with Client(server(project, allow_exec=True)) as client:
        result = await client.call_tool("mutate", {"paths": ["pkg"], "tests": ["tests"]})
    assert not result.is_error, result.content
    mcp = result.structured_content
    assert kit.masked(mcp["findings"]) == kit.masked(cli["findings"])
    codes = {f["code"] for f in cli["findings"]}
    assert codes >= {"HLM002", "HLM003"}  # _never_called has no test
    assert mcp["exit_code"] == cli["exit_code"] == 1
