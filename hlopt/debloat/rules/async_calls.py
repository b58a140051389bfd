"""Rules of the HLA family: what blocks the event loop, directly or through project calls."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, RuleStatus, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#async-event-loop-blocking-hla
- ruff ASYNC rules (flake8-async): ASYNC210, ASYNC220-222, ASYNC230, ASYNC251;
  ruff RUF006 `asyncio-dangling-task`
- Python docs: "Developing with asyncio" (running blocking code), `asyncio.to_thread`,
  `asyncio.get_running_loop`, `asyncio.create_task` ("Important: save a reference")"""

BLOCKING_CALL = Rule(
    code="HLA001",
    name="blocking-call-in-coroutine",
    summary="A synchronous blocking call runs inside `async def`",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports a call inside `async def` to an API that blocks the calling thread:
            `time.sleep`; HTTP with `requests`, sync `httpx`, `urllib.request.urlopen`,
            `http.client` connections; `socket` look-ups and calls on socket objects;
            `subprocess.run`/`call`/`check_call`/`check_output`, `Popen.wait`/`communicate`,
            `os.system`/`popen`/`wait`; sync database and cache clients (`sqlite3`,
            `psycopg2`, `pymysql`, `MySQLdb`, `mysql.connector`, `pymongo`, `redis`); file
            I/O (`open`, `io.open`, `Path.read_text`/`read_bytes`/`write_text`/`write_bytes`,
            `shutil` copies); and `input()`. Names are resolved through the module's imports
            (`import requests as rq`, `from time import sleep`) and simple local types
            (`p = subprocess.Popen(...)` then `p.wait()`). Calls inside the arguments of
            `asyncio.to_thread(...)` or `loop.run_in_executor(...)`, and inside nested
            `def`s and lambdas, are not reported: they do not run on the loop.
        """,
        why="""
            A coroutine runs on the event loop's thread. While a blocking call waits, no
            other task runs: every connection of the server stalls for the duration of the
            slowest call, and latency grows with load.
        """,
        example="""
            import time

            import requests

            async def handler(url):
                time.sleep(0.1)
                return requests.get(url).text
        """,
        instead="""
            import asyncio

            import httpx

            async def handler(url):
                await asyncio.sleep(0.1)
                async with httpx.AsyncClient() as client:
                    return (await client.get(url)).text
        """,
        safety="""
            For `time.sleep(x)` written as a whole statement, in a module that imports
            `asyncio`, the fix rewrites it to `await asyncio.sleep(x)`. It is **unsafe**:
            the coroutine now yields to the loop, so other tasks run during the sleep (shared
            state may change across it) and the task can be cancelled at that point. Every
            other API gets a **display-only** suggestion (`asyncio.to_thread`, an async
            client such as `httpx.AsyncClient`, `asyncpg`, `redis.asyncio`, `aiofiles`),
            never applied: the replacement changes the API, its errors and its lifetime.
        """,
        references=_REFS,
    ),
)

TRANSITIVE_BLOCKING = Rule(
    code="HLA002",
    name="transitive-blocking-call-in-coroutine",
    summary="A coroutine calls a project function that blocks, at any depth of calls",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports a call inside `async def` to a synchronous function of the analysed
            project that reaches a blocking call (the APIs of HLA001) through any number of
            project calls, in any module: plain functions, `self.method()` and
            `cls.method()` (looked up through the class and its bases in the tree),
            `Class.method()`, `Class().method()`, a local `x = Class()` then `x.method()`,
            and names imported from other modules (re-exports followed). The message shows
            the shortest chain, for example
            `async handler() -> load() -> Store.fetch() -> requests.get()`; the JSON `data`
            has it as a list. Calls through objects of unknown type are not followed, and an
            `async def` callee is never followed (it gets its own HLA001).
        """,
        why="""
            The blocking call is not in the coroutine's text, so a line-by-line linter
            (ruff's ASYNC rules, flake8-async) cannot see it; the event loop stalls just the
            same. Helpers written for synchronous code are the usual cause when a code base
            moves to asyncio.
        """,
        example="""
            # store.py
            import requests

            class Store:
                def fetch(self):
                    return requests.get("https://example.com").json()

            # handlers.py
            from store import Store

            def load():
                return Store().fetch()

            async def handler():
                return load()
        """,
        instead="""
            import asyncio

            from store import Store

            def load():
                return Store().fetch()

            async def handler():
                return await asyncio.to_thread(load)
        """,
        safety="""
            There is no automatic fix: the **display-only** suggestion is to run the first
            function of the chain with `await asyncio.to_thread(...)` (it then runs in a
            worker thread, so it must be thread-safe) or to make the chain async, both
            decisions about the design that hlopt cannot make.
        """,
        references=_REFS,
    ),
)

GET_EVENT_LOOP = Rule(
    code="HLA003",
    name="get-event-loop-in-coroutine",
    summary="`asyncio.get_event_loop()` is called inside a coroutine",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `asyncio.get_event_loop()` (through any alias of `asyncio`) called
            directly inside `async def`.
        """,
        why="""
            `get_event_loop()` is deprecated outside a running loop (since Python 3.10,
            with warnings since 3.12) and consults the event loop policy; inside a coroutine
            the intent is always the running loop, which `asyncio.get_running_loop()` returns
            directly and says so.
        """,
        example="""
            import asyncio

            async def main():
                loop = asyncio.get_event_loop()
                await loop.run_in_executor(None, print, "hi")
        """,
        instead="""
            import asyncio

            async def main():
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, print, "hi")
        """,
        safety="""
            The fix is **safe** for the attribute form (`asyncio.get_event_loop()`,
            `aio.get_event_loop()`): inside a coroutine driven by asyncio, `get_event_loop()`
            returns the running loop before it looks at the policy, which is exactly what
            `get_running_loop()` returns. Only a coroutine driven by hand without a loop
            (`coro.send(None)` in a test) would see a difference (`RuntimeError` instead of
            a new loop). A bare `get_event_loop()` imported with `from asyncio import` gets
            a display-only suggestion: the new name would need an import.
        """,
        references=_REFS,
    ),
)

DROPPED_TASK = Rule(
    code="HLA004",
    name="dropped-task",
    summary="A task is created and its reference dropped",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
            `loop.create_task(...)` (`loop`, `self.loop`, `self._loop`, the result of
            `get_running_loop()`) written as a bare expression statement.
            `TaskGroup.create_task` is not reported: the group keeps its tasks.
        """,
        why="""
            The event loop keeps only a weak reference to tasks. A task nobody references
            can be garbage-collected before it finishes, so its work silently stops half-way
            and its exception is never seen.
        """,
        example="""
            import asyncio

            async def main():
                asyncio.create_task(refresh_cache())
        """,
        instead="""
            import asyncio

            background = set()

            async def main():
                task = asyncio.create_task(refresh_cache())
                background.add(task)
                task.add_done_callback(background.discard)
        """,
        safety="""
            **Display-only**: where to keep the reference (a module-level set, an attribute,
            an `asyncio.TaskGroup` that also waits for the task) is a design choice.
        """,
        references=_REFS,
    ),
)

NESTED_RUN = Rule(
    code="HLA005",
    name="event-loop-run-in-coroutine",
    summary="`asyncio.run` or `run_until_complete` is called inside a coroutine",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `asyncio.run(...)` and `<loop>.run_until_complete(...)` called directly
            inside `async def` (reported as an error).
        """,
        why="""
            A coroutine runs inside a running loop; both calls raise `RuntimeError`
            ("cannot be called from a running event loop") there. Where they seem to work
            (a nested-loop patch such as `nest_asyncio`), they block the outer loop until
            the inner one finishes.
        """,
        example="""
            import asyncio

            async def handler():
                return asyncio.run(fetch())
        """,
        instead="""
            async def handler():
                return await fetch()
        """,
        safety="""
            **Display-only**: the suggestion is to `await` the coroutine. Turning the call
            into `await` changes when the coroutine runs relative to the caller's other
            work, and with `run_until_complete` on another loop, which loop runs it.
        """,
        references=_REFS,
    ),
)

register(BLOCKING_CALL, TRANSITIVE_BLOCKING, GET_EVENT_LOOP, DROPPED_TASK, NESTED_RUN)
