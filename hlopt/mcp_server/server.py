"""Build the hlopt ``MCPServer`` (every tool of :class:`~hlopt.mcp_server.tools.Tools`) and serve it.

Logging goes to stderr only: over stdio, stdout is the protocol.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Iterable
from pathlib import Path

from mcp.server import MCPServer

from hlopt import __version__
from hlopt.mcp_server.roots import Policy
from hlopt.mcp_server.tools import Tools

INSTRUCTIONS = """\
hlopt optimizes high-load Python code. Every tool returns an hlopt report (the JSON of
`hlopt CMD --format json`): findings with rule codes, before/after metrics, artifacts,
notes, an exit_code (0 ok, 1 findings) and, for dry runs, a unified diff. Paths are
relative to the first root, and must stay inside the roots: {roots}. Tools that write
files do a dry run unless asked to write. Running programs (profile) is {exec_state}.
"""


def build_server(policy: Policy) -> MCPServer:
    """An MCPServer with one tool per hlopt operation, confined to ``policy``."""
    server = MCPServer(
        "hlopt", version=__version__, title="hlopt",
        instructions=INSTRUCTIONS.format(
            roots=policy.describe(),
            exec_state="allowed for Python files and modules inside the roots"
            if policy.allow_exec else "disabled (the server was started without --allow-exec)"),
        log_level="INFO")
    tools = Tools(policy)
    for name, method in inspect.getmembers(tools, inspect.ismethod):
        annotations = getattr(method, "__hlopt_tool__", None)
        if annotations is not None:
            server.add_tool(method, name=name, annotations=annotations)
    return server


def serve(roots: Iterable[Path], *, allow_exec: bool = False) -> None:
    """Serve over stdio until the client closes stdin."""
    policy = Policy.create(roots, allow_exec=allow_exec)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="hlopt-mcp: %(levelname)s %(name)s: %(message)s")
    logging.getLogger("hlopt.mcp").info(
        "serving over stdio; roots: %s; exec %s", policy.describe(),
        "allowed" if allow_exec else "refused")
    build_server(policy).run("stdio")
