"""The MCP server in memory, through the SDK's own client: tools, refusals, progress, cancel."""

from __future__ import annotations

import os
from pathlib import Path
from typing import get_args

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

import anyio  # noqa: E402 - after the skip above
from mcp import Client  # noqa: E402 - idem

from hlopt.mcp_server.calls import ProgressRelay  # noqa: E402 - idem
from hlopt.mcp_server.procs import descendants  # noqa: E402 - idem
from hlopt.mcp_server.roots import Policy  # noqa: E402 - idem
from hlopt.mcp_server.server import build_server  # noqa: E402 - idem
from hlopt.mcp_server.tools import BenchMetric, Engine, SysctlProfile  # noqa: E402 - idem

pytestmark = pytest.mark.anyio

TOOLS = {"debloat", "debloat_fix", "sysctl_audit", "profile", "profile_diff", "compress",
         "bench", "nativize", "nativize_apply", "nativize_revert", "nativize_check",
         "mutate"}
REPORT_FIELDS = {"schema_version", "hlopt_version", "command", "target", "duration_s",
                 "exit_code", "findings", "metrics", "artifacts", "notes", "diff"}


def server(root: Path, allow_exec: bool = False):
    return build_server(Policy.create([root], allow_exec=allow_exec))


async def test_tools_are_listed_with_schemas_and_truthful_annotations(project: Path) -> None:
    async with Client(server(project), raise_exceptions=True) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert set(tool.output_schema["required"]) == REPORT_FIELDS
        assert "ctx" not in tool.input_schema["properties"]
        assert tool.description
    finding = tools["debloat"].output_schema["$defs"]["Finding"]
    assert {"code", "severity", "fix", "data"} <= set(finding["properties"])
    ann = {name: t.annotations for name, t in tools.items()}
    for name in ("debloat", "sysctl_audit", "profile_diff"):
        assert ann[name].read_only_hint and not ann[name].destructive_hint
        assert ann[name].idempotent_hint
    assert not ann["debloat_fix"].read_only_hint and ann["debloat_fix"].destructive_hint
    assert not ann["compress"].read_only_hint and ann["compress"].destructive_hint
    for name in ("profile", "bench"):
        assert ann[name].destructive_hint and ann[name].open_world_hint
        assert not ann[name].read_only_hint and not ann[name].idempotent_hint
    for name in ("debloat_fix", "compress"):
        assert tools[name].input_schema["properties"]["write"]["default"] is False
    for shell in ("cmd", "setup", "stmt", "python"):
        assert shell not in tools["bench"].input_schema["properties"]
    assert "test_cmd" not in tools["compress"].input_schema["properties"]
    assert "apply" not in tools["sysctl_audit"].input_schema["properties"]
    assert tools["sysctl_audit"].input_schema["required"] == ["profile"]


def test_the_choices_offered_are_the_commands() -> None:
    from hlopt.bench.model import METRICS
    from hlopt.profile.options import ENGINES
    from hlopt.sysctl.knobs import profile_names

    assert list(get_args(SysctlProfile)) == profile_names()
    assert get_args(Engine) == ENGINES
    assert set(get_args(BenchMetric)) == set(METRICS)


async def test_a_path_outside_the_roots_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "out").symlink_to(tmp_path)
    async with Client(server(project)) as client:
        for args in ({"paths": ["/etc"]}, {"paths": ["pkg", "../"]}, {"paths": ["out"]},
                     {"whitelist": ["/etc/hosts"]}):
            result = await client.call_tool("debloat", args)
            assert result.is_error, args
            assert "outside the server's roots" in result.content[0].text
        result = await client.call_tool("sysctl_audit", {"profile": "web", "proc_sys": "/proc/sys"})
        assert result.is_error and "outside the server's roots" in result.content[0].text


async def test_running_a_program_without_allow_exec_is_refused(project: Path) -> None:
    async with Client(server(project)) as client:
        for tool, args in (("profile", {"script": "hot.py"}), ("profile", {"module": "hot"}),
                           ("bench", {"target": "benchme:fast"}),
                           ("bench", {"target": "pkg"})):
            result = await client.call_tool(tool, args)
            assert result.is_error
            assert "started without --allow-exec" in result.content[0].text


async def test_no_commands_and_no_shell_strings_even_with_allow_exec(project: Path) -> None:
    async with Client(server(project, allow_exec=True)) as client:
        for args, why in (({"script": "/bin/sh", "args": ["-c", "echo hi"]}, "outside"),
                          ({"script": "python -c 'print(1)'"}, "no such file"),
                          ({"module": "http.server"}, "standard library"),
                          ({}, "exactly one of script and module")):
            result = await client.call_tool("profile", args)
            assert result.is_error and why in result.content[0].text, args
        for args, why in (({"target": "os:getcwd"}, "standard library"),
                          ({"target": "benchme:fast", "against": "subprocess:run"},
                           "standard library"),
                          ({"target": "benchme:fast", "ref": "--output=/tmp/x"},
                           "not a plain git revision"),
                          ({"target": "benchme:fast; rm -rf /"}, "not a callable")):
            result = await client.call_tool("bench", args)
            assert result.is_error and why in result.content[0].text, args


async def test_command_errors_are_tool_errors_with_the_hint(project: Path) -> None:
    async with Client(server(project)) as client:
        result = await client.call_tool("sysctl_audit", {"profile": "web", "proc_sys": "app.py"})
        assert result.is_error
        assert "is not a directory" in result.content[0].text and "hint:" in result.content[0].text
        result = await client.call_tool("debloat", {"paths": ["missing"]})
        assert result.is_error and "no such file or directory" in result.content[0].text
        result = await client.call_tool("compress", {"paths": ["pkg"], "write": True})
        assert result.is_error and "write=true needs output" in result.content[0].text
        result = await client.call_tool("compress", {"paths": ["pkg"], "output": "pkg/min",
                                                     "write": True})
        assert result.is_error and "never writes into the tree it reads" in result.content[0].text
        assert not (project / "pkg" / "min").exists()


async def test_progress_is_reported(project: Path) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(server(project)) as client:
        result = await client.call_tool("debloat", {}, progress_callback=on_progress)
    assert not result.is_error
    assert seen and seen[-1][0] == seen[-1][1]
    assert [p for p, _, _ in seen] == sorted({p for p, _, _ in seen})  # strictly increasing
    assert all(m for _, _, m in seen)


def test_progress_phases_become_one_increasing_value() -> None:
    relay = ProgressRelay()
    steps = [relay.update(*e) for e in [("scan", 0, 4), ("scan", 4, 4), ("scan", 4, 4),
                                        ("fix", 0, 2), ("fix", 2, 2)]]
    assert steps == [(0.0, 4.0, "scan 0/4"), (4.0, 4.0, "scan 4/4"), None, None,
                     (6.0, 6.0, "fix 2/2")]


async def test_a_cancelled_call_leaves_no_process_behind(project: Path, kit, tmp_path: Path,
                                                          monkeypatch) -> None:
    pid_file = project / "sleeper.pid"
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # the worker's temporary files
    (tmp_path / "tmp").mkdir()
    async with Client(server(project, allow_exec=True)) as client:
        async with anyio.create_task_group() as tg:

            async def call() -> None:
                await client.call_tool("profile", {"script": "sleeper.py",
                                                   "args": [str(pid_file)]})

            tg.start_soon(call)
            pids = await anyio.to_thread.run_sync(kit.read_pids, pid_file)
            assert all(p in descendants(os.getpid()) for p in pids)
            tg.cancel_scope.cancel()
        assert await anyio.to_thread.run_sync(kit.wait_gone, pids) == []
        assert await anyio.to_thread.run_sync(kit.wait_gone, descendants(os.getpid())) == []
        # the session is still usable
        assert not (await client.call_tool("debloat", {"paths": ["pkg"]})).is_error
    assert list((tmp_path / "tmp").iterdir()) == []  # the profiler's work directory is gone
