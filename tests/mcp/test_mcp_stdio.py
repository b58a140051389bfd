"""A real ``hlopt mcp`` subprocess over stdio, driven by the SDK's own client."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

import anyio  # noqa: E402 - after the skip above
from mcp import Client  # noqa: E402 - idem

pytestmark = [pytest.mark.anyio,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")]

TOOLS = {"debloat", "debloat_fix", "sysctl_audit", "profile", "profile_diff", "compress",
         "bench", "nativize", "nativize_apply", "nativize_revert", "nativize_check",
         "mutate"}


class Progress:
    """A progress callback that remembers what it got."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.seen.append((progress, total, message))

    async def wait(self) -> list[tuple[float, float | None, str | None]]:
        """Notifications race the result over a real transport: give them a moment."""
        with anyio.move_on_after(10):
            while not self.seen or self.seen[-1][0] != self.seen[-1][1]:
                await anyio.sleep(0.05)
        return self.seen


async def test_stdio_lists_and_calls_every_tool(project: Path, kit) -> None:
    async with Client(kit.server_params(project, "--allow-exec"),
                      read_timeout_seconds=120) as client:
        assert client.server_info.name == "hlopt"
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        assert all("findings" in t.output_schema["properties"] for t in tools.values())
        assert tools["debloat"].input_schema["properties"]["paths"]["type"] == "array"

        progress = Progress()
        result = await client.call_tool("debloat", {"paths": ["pkg", "app.py"]},
                                        progress_callback=progress)
        assert not result.is_error and result.structured_content["command"] == "debloat"
        assert any(f["code"] == "HLI001" for f in result.structured_content["findings"])
        seen = await progress.wait()
        assert seen and seen[-1][0] == seen[-1][1] and seen[-1][2].endswith("3/3"), seen

        result = await client.call_tool("debloat_fix", {"paths": ["pkg"]})
        assert "-import os" in result.structured_content["diff"]
        assert "import os" in (project / "pkg" / "util.py").read_text()

        result = await client.call_tool("sysctl_audit", {"profile": "db", "proc_sys": "sysroot"})
        assert result.structured_content["command"] == "sysctl"

        # app.py prints to stdout: it must not reach the protocol channel
        progress = Progress()
        result = await client.call_tool("profile", {"script": "app.py", "engine": "cprofile",
                                                    "outputs": ["app.json"]},
                                        progress_callback=progress)
        assert not result.is_error, result.content
        assert result.structured_content["target"] == "app.py"
        assert await progress.wait()

        result = await client.call_tool("profile_diff", {"before": "app.json",
                                                         "after": "app.json"})
        assert not result.is_error and result.structured_content["command"] == "profile"

        result = await client.call_tool("compress", {"paths": ["pkg"], "output": "min",
                                                     "write": True})
        assert "minified into min" in result.structured_content["notes"][0]
        assert (project / "min" / "util.py").is_file()

        progress = Progress()
        result = await client.call_tool("bench", {"target": "benchme:fast", "rounds": 2,
                                                  "metrics": ["wall"]},
                                        progress_callback=progress)
        assert not result.is_error, result.content
        assert result.structured_content["command"] == "bench"
        assert "wall" in result.structured_content["metrics"][0]["name"]
        assert await progress.wait()

        result = await client.call_tool("nativize_check", {"paths": ["pkg"]})
        assert not result.is_error and result.structured_content["exit_code"] == 0

        result = await client.call_tool("debloat", {"paths": ["../"]})
        assert result.is_error and "outside the server's roots" in result.content[0].text


async def test_stdio_refuses_exec_without_allow_exec(project: Path, kit) -> None:
    async with Client(kit.server_params(project), read_timeout_seconds=60) as client:
        for tool, args in (("profile", {"script": "hot.py"}), ("bench", {"target": "benchme:fast"})):
            result = await client.call_tool(tool, args)
            assert result.is_error and "--allow-exec" in result.content[0].text
        assert "disabled" in (client.instructions or "")


async def test_stdio_cancelled_call_leaves_no_process_behind(project: Path, tmp_path: Path,
                                                             kit) -> None:
    pid_file, tmp = project / "sleeper.pid", tmp_path / "tmp"
    tmp.mkdir()
    params = kit.server_params(project, "--allow-exec", env={"TMPDIR": str(tmp)})
    async with Client(params, read_timeout_seconds=120) as client:
        with anyio.move_on_after(120) as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.call_tool, "profile",
                              {"script": "sleeper.py", "args": [str(pid_file)]})
                pids = await anyio.to_thread.run_sync(kit.read_pids, pid_file)
                assert kit.running("hlopt.mcp_server.worker")
                tg.cancel_scope.cancel()
        assert not scope.cancelled_caught
        assert await anyio.to_thread.run_sync(kit.wait_gone, pids) == []
        workers = kit.running("hlopt.mcp_server.worker")
        assert await anyio.to_thread.run_sync(kit.wait_gone, workers) == []
        assert kit.running("sleeper.py") == []
        result = await client.call_tool("debloat", {"paths": ["pkg"]})
        assert not result.is_error  # the session goes on
    assert list(tmp.iterdir()) == []  # every temporary file of the cancelled call is gone


async def test_a_killed_server_takes_its_running_calls_with_it(project: Path, kit) -> None:
    pid_file = project / "sleeper.pid"
    with pytest.raises(BaseException):  # noqa: B017 - the transport dies with the server
        async with Client(kit.server_params(project, "--allow-exec"),
                          read_timeout_seconds=120) as client:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.call_tool, "profile",
                              {"script": "sleeper.py", "args": [str(pid_file)]})
                pids = await anyio.to_thread.run_sync(kit.read_pids, pid_file)
                workers = kit.running("hlopt.mcp_server.worker")
                (server,) = kit.running("hlopt mcp --root")
                os.kill(server, signal.SIGKILL)
    assert await anyio.to_thread.run_sync(kit.wait_gone, [*pids, *workers]) == []
