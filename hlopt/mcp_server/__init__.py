"""``hlopt mcp``: the hlopt commands as MCP tools for AI agents (extra ``hlopt[mcp]``).

The package is split so the worker process never imports the MCP SDK: ``server`` builds the
``MCPServer`` and its tools, ``tools`` maps each tool's arguments to a command's ``Options``,
``roots`` is the allow-list every path and program passes through, ``schema`` is the report
JSON as an output schema, ``calls`` runs one command in a ``worker`` process (so a
cancelled call can stop everything it started) and ``procs`` finds and stops process trees.
"""
