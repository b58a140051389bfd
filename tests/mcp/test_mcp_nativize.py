"""The nativize tools over MCP: annotations, exec and root refusals, --check parity."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

from mcp import Client  # noqa: E402 - after the skip above

from hlopt.mcp_server.roots import Policy  # noqa: E402 - idem
from hlopt.mcp_server.server import build_server  # noqa: E402 - idem

pytestmark = pytest.mark.anyio

SHIMMED = '''\
def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


# hlopt nativize: begin spin (undo: hlopt nativize --revert hot2.py:spin)
try:
    from _hlopt_hot2_spin import _hlopt_bind as _hlopt_bind_spin
except ImportError:  # extension not built for this interpreter: Python runs
    pass
else:
    spin = _hlopt_bind_spin(spin)
# hlopt nativize: end spin
'''


def server(root: Path, allow_exec: bool = False):
    return build_server(Policy.create([root], allow_exec=allow_exec))


async def test_annotations_say_only_apply_and_revert_write(project: Path) -> None:
    async with Client(server(project)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    ann = {n: tools[n].annotations for n in
           ("nativize", "nativize_apply", "nativize_revert", "nativize_check")}
    assert not ann["nativize"].destructive_hint and ann["nativize"].open_world_hint
    assert ann["nativize_apply"].destructive_hint and ann["nativize_apply"].open_world_hint
    assert ann["nativize_revert"].destructive_hint and not ann["nativize_revert"].open_world_hint
    assert ann["nativize_check"].read_only_hint and not ann["nativize_check"].destructive_hint
    for shell in ("sample", "sample_command", "apply"):
        assert shell not in tools["nativize"].input_schema["properties"]
    assert "sample_tests" in tools["nativize_apply"].input_schema["properties"]
    for name in ("nativize", "nativize_apply"):
        backend = tools[name].input_schema["properties"]["backend"]
        assert set(backend["enum"]) == {"cython", "c", "zig", "auto"}


async def test_nativize_runs_code_so_it_needs_allow_exec(project: Path) -> None:
    async with Client(server(project)) as client:
        for tool in ("nativize", "nativize_apply"):
            result = await client.call_tool(tool, {"targets": ["hot.py:spin"]})
            assert result.is_error and "started without --allow-exec" in result.content[0].text


async def test_targets_outside_the_roots_are_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("def f(x):\n    return x\n")
    async with Client(server(project, allow_exec=True)) as client:
        for tool, args in (("nativize", {"targets": [f"{outside}:f"]}),
                           ("nativize", {"targets": ["../elsewhere.py:f"]}),
                           ("nativize_revert", {"targets": [f"{outside}:f"]}),
                           ("nativize_check", {"paths": ["/etc"]}),
                           ("nativize", {"sample_tests": ["/etc"], "targets": ["hot.py:spin"]})):
            result = await client.call_tool(tool, args)
            assert result.is_error and "outside the server's roots" in result.content[0].text


async def test_check_equals_the_cli_and_finds_a_stale_extension(project: Path, kit) -> None:
    (project / "hot2.py").write_text(SHIMMED)
    (project / "native").mkdir()
    (project / "native" / "_hlopt_hot2_spin.py").write_text(
        '__hlopt__ = {"source_hash": "0123456789abcdef", "backend": "cython"}\n')
    cli = kit.cli_json(["nativize", "--check", "hot2.py"], project)
    async with Client(server(project)) as client:
        result = await client.call_tool("nativize_check", {"paths": ["hot2.py"]})
    assert not result.is_error, result.content
    assert kit.stable(result.structured_content) == kit.stable(cli)
    assert cli["exit_code"] == 1 and [f["code"] for f in cli["findings"]] == ["HLN020"]


async def test_revert_of_a_function_that_is_not_nativized_is_a_tool_error(project: Path) -> None:
    async with Client(server(project)) as client:
        result = await client.call_tool("nativize_revert", {"targets": ["hot.py:spin"]})
    assert result.is_error and "is not nativized" in result.content[0].text
