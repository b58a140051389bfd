"""Run one command in a worker process: relay its progress, return its report, stop it cleanly.

A tool call never runs a command in the server's own process: a command may start child
processes (a profiled program, a process pool, an interpreter probe) and a thread cannot be
interrupted. The worker can: on cancellation it gets SIGTERM and unwinds; whatever is still
alive after ``GRACE_S`` is killed, the worker's descendants first.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from hlopt.core.progress import no_progress
from hlopt.mcp_server.procs import kill_descendants

log = logging.getLogger("hlopt.mcp")
#: seconds a worker gets to unwind after SIGTERM before its tree is killed
GRACE_S = 5.0
#: the largest answer line accepted from a worker (a report of a very large tree)
MAX_ANSWER_BYTES = 512 * 1024 * 1024


@dataclass
class ProgressRelay:
    """Turn ``progress(description, done, total)`` phases into one increasing MCP value.

    MCP progress must increase, while a command counts each phase from 0; completed phases
    are added as an offset, so "scan 40/40" then "check 1/3" reads 41 of 43.
    """

    phase: str | None = None
    offset: int = 0
    total: int = 0
    last: float = -1.0

    def update(self, description: str, done: int, total: int) -> tuple[float, float, str] | None:
        if description != self.phase:
            if self.phase is not None:
                self.offset += self.total
            self.phase = description
        self.total = max(total, done, 0)
        value = float(self.offset + done)
        if value <= self.last:
            return None
        self.last = value
        return value, float(self.offset + self.total), f"{description} {done}/{total}"


async def run_command(ctx: Context, package: str, options: Any, cwd: Path) -> dict[str, Any]:
    """``package.run(options).to_dict()``, computed in a worker process started in ``cwd``."""
    if "progress" in getattr(options, "__dataclass_fields__", {}):
        options = replace(options, progress=no_progress)  # the worker puts its own back
    request = pickle.dumps((package, options))
    worker = [sys.executable, "-m", "hlopt.mcp_server.worker", str(os.getpid())]
    process = await anyio.open_process(worker, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=None, cwd=cwd, start_new_session=True)
    try:
        assert process.stdin is not None and process.stdout is not None
        await process.stdin.send(request)
        await process.stdin.aclose()
        message = await _read_answer(ctx, BufferedByteReceiveStream(process.stdout))
        await process.wait()
    finally:
        with anyio.CancelScope(shield=True):
            await stop_worker(process)
    return _outcome(package, message)


async def _read_answer(ctx: Context, stream: BufferedByteReceiveStream) -> dict[str, Any]:
    relay = ProgressRelay()
    while True:
        try:
            line = await stream.receive_until(b"\n", MAX_ANSWER_BYTES)
        except (anyio.EndOfStream, anyio.IncompleteRead):
            return {"crash": "the worker process exited without an answer (see the server log)"}
        try:
            message = json.loads(line)
        except ValueError:
            return {"crash": f"the worker answered something that is not JSON: {line[:80]!r}"}
        if "progress" not in message:
            return message
        if (step := relay.update(*message["progress"])) is not None:
            await ctx.report_progress(step[0], step[1], step[2])


def _outcome(package: str, message: dict[str, Any]) -> dict[str, Any]:
    """The report, or a ToolError worded like the CLI's ``hlopt: error:`` line."""
    if "report" in message:
        return message["report"]
    if "error" in message:
        error = message["error"]
        hint = f" (hint: {error['hint']})" if error.get("hint") else ""
        raise ToolError(f"{error['message']}{hint}")
    raise ToolError(f"internal error in {package}: {message.get('crash')}")


async def stop_worker(process: Process) -> None:
    """SIGTERM a running worker, then kill its whole tree if it has not exited in time."""
    if process.returncode is None:
        log.info("stopping worker %d", process.pid)
        process.send_signal(signal.SIGTERM)
        with anyio.move_on_after(GRACE_S):
            await process.wait()
    if process.returncode is None:
        killed = kill_descendants(process.pid)
        log.warning("worker %d did not stop in %.0fs; killed it and %d child process(es)",
                    process.pid, GRACE_S, len(killed))
        process.kill()
        await process.wait()
    await process.aclose()
