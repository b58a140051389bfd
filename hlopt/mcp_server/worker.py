"""The process one MCP tool call runs in.

``python -m hlopt.mcp_server.worker SERVER_PID``: the server writes one pickled request
``(package, Options)`` to stdin; the worker calls that package's ``run(options)``, the same
function the CLI calls, and answers on its original stdout with JSON lines: progress events
``{"progress": [description, done, total]}``, then ``{"report": ...}``, ``{"error": ...}``
or ``{"crash": ...}``. File descriptor 1 is pointed at stderr first, so nothing a command
(or a program it runs) prints can corrupt the answer.

SIGTERM (a cancelled call) kills every process the command started, then raises SystemExit
so the command unwinds: its ``finally`` blocks run and its temporary files are removed
(killing first means no thread waits for a pipe a grandchild still holds). The worker is a
child subreaper, so even an orphaned grandchild is still its descendant; whatever is left
when the command ends is killed before the worker exits, and the private TMPDIR the
command ran with is removed. A server that dies sends SIGTERM too (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from typing import IO, Any

from hlopt.mcp_server.procs import become_subreaper, kill_descendants, reap, stop_with_parent

log = logging.getLogger("hlopt.mcp.worker")
#: at most one progress event per this many seconds (besides the first and last of a phase)
PROGRESS_INTERVAL_S = 0.1


class Answer:
    """JSON lines on the server's pipe; thread-safe, progress events throttled."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.last = 0.0

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False)
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def progress(self, description: str, done: int, total: int) -> None:
        now = time.monotonic()
        if 0 < done < total and now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        self.send({"progress": [str(description), int(done), int(total)]})


def execute(package: str, options: Any, answer: Answer) -> dict[str, Any]:
    """Run ``package.run(options)`` and turn the outcome into the final message."""
    from hlopt.core.errors import HloptError

    command = importlib.import_module(package)
    if "progress" in getattr(options, "__dataclass_fields__", {}):
        options = replace(options, progress=answer.progress)
    try:
        return {"report": command.run(options).to_dict()}
    except HloptError as exc:
        return {"error": {"kind": type(exc).__name__, "message": exc.message,
                          "hint": exc.hint, "exit_code": exc.exit_code}}
    except Exception as exc:  # the last line of defence: one line for the agent, log the rest
        log.exception("hlopt %s crashed", package)
        return {"crash": f"{type(exc).__name__}: {exc}"}


def _stop(signum: int, frame: object) -> None:
    """A cancelled call: kill what the command started, then unwind it (temp files go)."""
    kill_descendants(os.getpid())
    raise SystemExit(128 + signum)


def main() -> None:
    answer = Answer(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="hlopt-mcp worker: %(message)s")
    signal.signal(signal.SIGTERM, _stop)
    become_subreaper()
    if len(sys.argv) > 1:  # the server's pid: a server that dies takes its calls with it
        stop_with_parent(int(sys.argv[1]))
    scratch = _private_tmpdir()
    try:
        package, options = pickle.load(sys.stdin.buffer)
        answer.send(execute(package, options, answer))
    finally:
        left = kill_descendants(os.getpid())
        if left:
            log.warning("stopped %d leftover child process(es): %s", len(left), sorted(left))
        reap()
        shutil.rmtree(scratch, ignore_errors=True)


def _private_tmpdir() -> str:
    """Point TMPDIR (ours and the children's) at a directory removed when the call ends.

    A killed child cannot delete its temporary files (py-spy's ``.tmpXXXX``); this way
    nothing a cancelled call wrote to the temporary directory outlives it.
    """
    scratch = tempfile.mkdtemp(prefix="hlopt-mcp-")
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = None  # recomputed from TMPDIR on next use
    return scratch


if __name__ == "__main__":
    main()
