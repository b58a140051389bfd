"""What an MCP tool call costs over running the CLI: the same debloat, both ways.

Each call of `hlopt mcp` runs the command in a fresh worker process (so a cancelled call
can stop everything it started); this measures what that costs against `hlopt debloat
--format json` in a fresh process, on hlopt's own core package. Rounds are interleaved;
medians are reported, with the server's start-up (spawn + initialize + list tools).

    .venv/bin/python bench/mcp_overhead.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parent.parent
TARGET = "hlopt/core"


def cli_once() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "hlopt", "debloat", TARGET, "--format", "json"],
                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


async def measure(rounds: int) -> dict[str, list[float]]:
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "hlopt", "mcp", "--root", str(REPO)],
                                   env={"PATH": os.environ.get("PATH", "")}, cwd=str(REPO))
    samples: dict[str, list[float]] = {"startup": [], "cli": [], "mcp": []}
    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        from mcp.client.stdio import stdio_client

        async with Client(stdio_client(params, errlog=quiet)) as client:
            await client.list_tools()
            samples["startup"].append(time.perf_counter() - start)
            await client.call_tool("debloat", {"paths": [TARGET]})  # warm the file cache
            for _ in range(rounds):
                samples["cli"].append(await anyio.to_thread.run_sync(cli_once))
                start = time.perf_counter()
                result = await client.call_tool("debloat", {"paths": [TARGET]})
                samples["mcp"].append(time.perf_counter() - start)
                assert not result.is_error
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    samples = anyio.run(measure, args.rounds)
    cli, mcp = statistics.median(samples["cli"]), statistics.median(samples["mcp"])
    print(f"hlopt debloat {TARGET}, {args.rounds} interleaved rounds (median):")
    print(f"  CLI `hlopt debloat --format json` (fresh process) {cli * 1000:8.0f} ms")
    print(f"  MCP tool call over stdio (fresh worker)           {mcp * 1000:8.0f} ms")
    print(f"  ratio MCP / CLI                                    {mcp / cli:8.2f}")
    print(f"  server start-up (spawn, initialize, list tools)   "
          f"{samples['startup'][0] * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
