"""The synchronous APIs that block an event loop, and what to use instead.

Names are absolute dotted names as ``async_scan`` resolves them through imports
(``import requests as rq; rq.get`` is ``requests.get``); a method of a constructed object
is the class's dotted name plus the method (``subprocess.Popen.wait``).
"""

from __future__ import annotations

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_TO_THREAD = "`await asyncio.to_thread(...)`"

#: kind -> the replacement a finding suggests
SUGGESTIONS: dict[str, str] = {
    "sleep": "`await asyncio.sleep(...)`",
    "http": "an async HTTP client (`httpx.AsyncClient`, `aiohttp`), or " + _TO_THREAD,
    "socket": "`asyncio.open_connection` / `loop.getaddrinfo`, or " + _TO_THREAD,
    "process": "`asyncio.create_subprocess_exec` (and `await proc.wait()`)",
    "database": "an async driver (`aiosqlite`, `asyncpg`, `aiomysql`, `motor`, "
                "`redis.asyncio`), or " + _TO_THREAD,
    "file": _TO_THREAD + " (or `aiofiles`)",
    "input": _TO_THREAD + " on `input`, or a stream reader on stdin",
}


def _table() -> dict[str, str]:
    t: dict[str, str] = {"time.sleep": "sleep"}
    for lib in ("requests", "httpx"):
        for verb in _HTTP_VERBS:
            t[f"{lib}.{verb}"] = "http"
            t[f"{lib}.{'Session' if lib == 'requests' else 'Client'}.{verb}"] = "http"
    t["httpx.stream"] = "http"
    for name in ("urlopen", "urlretrieve"):
        t[f"urllib.request.{name}"] = "http"
    for cls in ("HTTPConnection", "HTTPSConnection"):
        t[f"http.client.{cls}"] = "http"
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "getfqdn", "create_server"):
        t[f"socket.{name}"] = "socket"
    for name in ("connect", "accept", "recv", "recv_into", "recvfrom", "send", "sendall",
                 "sendto", "makefile"):
        t[f"socket.socket.{name}"] = "socket"
    for name in ("run", "call", "check_call", "check_output", "getoutput",
                 "getstatusoutput"):
        t[f"subprocess.{name}"] = "process"
    for name in ("wait", "communicate"):
        t[f"subprocess.Popen.{name}"] = "process"
    for name in ("system", "popen", "wait", "waitpid", "wait3", "wait4"):
        t[f"os.{name}"] = "process"
    for name in ("sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pymysql.connect",
                 "MySQLdb.connect", "mysql.connector.connect", "pymongo.MongoClient",
                 "redis.Redis", "redis.StrictRedis", "redis.from_url"):
        t[name] = "database"
    for name in ("open", "io.open", "codecs.open", "shutil.copyfile", "shutil.copy",
                 "shutil.copy2", "shutil.copytree", "shutil.rmtree", "shutil.move"):
        t[name] = "file"
    for name in ("read_text", "read_bytes", "write_text", "write_bytes", "open"):
        t[f"pathlib.Path.{name}"] = "file"
    t["input"] = "input"
    return t


#: resolved dotted name -> kind of blocking (a key of SUGGESTIONS)
BLOCKING: dict[str, str] = _table()

#: calls whose arguments run in a worker thread, not on the loop
OFFLOAD = frozenset({"asyncio.to_thread", "anyio.to_thread.run_sync",
                     "loop.run_in_executor", "trio.to_thread.run_sync"})

#: functions that create a task the caller must keep a reference to
TASK_FACTORIES = frozenset({"asyncio.create_task", "asyncio.ensure_future",
                            "loop.create_task"})


def blocking_api(target: str) -> str | None:
    """``target`` itself when it names a blocking API (aliases of classes included)."""
    if target in BLOCKING:
        return target
    # ``from pathlib import Path`` and ``pathlib.PurePath`` subclasses: Path methods
    if target.startswith("pathlib.") and target.count(".") == 2:
        cls, meth = target.split(".")[1:]
        if cls.endswith("Path") and f"pathlib.Path.{meth}" in BLOCKING:
            return f"pathlib.Path.{meth}"
    return None


def suggestion(api: str) -> str:
    return SUGGESTIONS[BLOCKING.get(api, "file")]
