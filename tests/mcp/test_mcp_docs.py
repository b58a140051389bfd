"""docs/mcp.md tells the truth: its tool table matches the server's tools and annotations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

from mcp import Client  # noqa: E402 - after the skip above

from hlopt.mcp_server.roots import Policy  # noqa: E402 - idem
from hlopt.mcp_server.server import build_server  # noqa: E402 - idem

pytestmark = pytest.mark.anyio
DOC = Path(__file__).resolve().parents[2] / "docs" / "mcp.md"
ROW = re.compile(r"^\| `(\w+)` \| .* \| (yes|no) \| (yes|no) \| (yes|no) \| (yes|no) \|$", re.M)


async def test_the_tool_table_matches_the_server(tmp_path: Path) -> None:
    documented = {m[1]: tuple(v == "yes" for v in m.groups()[1:])
                  for m in ROW.finditer(DOC.read_text(encoding="utf-8"))}
    async with Client(build_server(Policy.create([tmp_path]))) as client:
        tools = (await client.list_tools()).tools
    served = {t.name: (t.annotations.read_only_hint, t.annotations.destructive_hint,
                       t.annotations.idempotent_hint, t.annotations.open_world_hint)
              for t in tools}
    assert documented == served


def test_the_client_configuration_example_starts_hlopt_mcp() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert '"command": "hlopt"' in text and '"args": ["mcp", "--root",' in text
