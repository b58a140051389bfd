"""Rules of the HLH family: hot spots found by ``hlopt profile`` and the advice for each."""

from __future__ import annotations

from textwrap import dedent

from hlopt.core.rules import Rule, register

_REFS = "- docs/profile.md (the report and its `data` fields)"


def _doc(what: str, why: str, example: str, instead: str, safety: str, refs: str = _REFS) -> str:
    return (
        f"## What it does\n{dedent(what).strip()}\n\n"
        f"## Why is this bad?\n{dedent(why).strip()}\n\n"
        f"## Example\n```python\n{dedent(example).strip()}\n```\n\n"
        f"## Use instead\n{dedent(instead).strip()}\n\n"
        f"## Fix safety\n{dedent(safety).strip()}\n\n"
        f"## References\n{dedent(refs).strip()}\n"
    )


_ADVICE_ONLY = ("There is no automatic fix: the advice names the hlopt command that makes "
                "the change, and that command verifies it.")

HOT_FUNCTION = Rule(
    code="HLH001", name="hot-function", command="profile",
    summary="Function takes a large share of the run time",
    doc=_doc(
        """
        Reports each of the `--top` functions that took the most time themselves in the
        profiled run, with its self and total share, its call count where the engine knows
        it, and (with `--lines`) its hottest lines. The finding's `data` is what
        `hlopt nativize --from-profile` and `hlopt debloat --profile` read.
        """,
        """
        Time spent in one place is where an optimisation pays; the rest of the code does
        not matter for speed until this is fixed.
        """,
        """
        def checksum(data):          # 62% of the run
            total = 0
            for b in data:
                total = (total * 31 + b) & 0xFFFFFFFF
            return total
        """,
        "Follow the advice findings of the same function (HLH002, HLH003), or read the "
        "flame graph (`-o profile.svg`) to see who calls it.",
        "Information only; nothing is changed.",
        "- docs/profile.md\n- py-spy, pyinstrument, cProfile documentation"),
)
NATIVIZE_CANDIDATE = Rule(
    code="HLH002", name="nativize-candidate", command="profile",
    summary="Hot pure-Python loop that `hlopt nativize` can compile",
    doc=_doc(
        """
        Reports a hot function whose time is spent in its own loops over numbers, strings
        or bytes, with no I/O and no dynamic features (`eval`, `locals()`, `global`
        writes, generators, coroutines), so `hlopt nativize path.py:func` can compile it.
        Functions that are hot but cannot be compiled say what stops them in the
        HLH001 finding's `data.nativize.blockers`.
        """,
        """
        CPython interprets every bytecode of such a loop; a typed native version of the
        same function runs many times faster and keeps the Python one as its fallback.
        """,
        """
        def numeric_loop(n):
            acc = 0
            for i in range(n):
                acc = (acc + i * i) % 1_000_003
            return acc
        """,
        "`hlopt nativize app.py:numeric_loop`, which builds, verifies and measures the "
        "native version before installing it.",
        _ADVICE_ONLY),
)
MEMOIZABLE = Rule(
    code="HLH003", name="memoizable-function", command="profile",
    summary="Hot function called many times with few distinct arguments",
    doc=_doc(
        """
        Reports a hot function that the `--memo` pass saw called at least 1000 times with
        arguments that repeat: the hit rate an `functools.lru_cache` would have, measured
        over the real calls, the cache size that gets it, and an estimate of the memory the
        cache would hold ("lru_cache(maxsize=32) would serve 99.99% of 1.3M calls, about
        8 KB").
        """,
        """
        Computing the same result again costs the whole function each time; a cache costs a
        dictionary lookup and the memory shown.
        """,
        """
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        """,
        """
        ```python
        @functools.lru_cache(maxsize=32)
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        ```
        """,
        """
        Not automatic, and only correct for a pure function: one whose result depends only
        on its arguments and that changes nothing else. A cache also keeps its arguments
        and results alive.
        """,
        f"{_REFS}\n- https://docs.python.org/3/library/functools.html#functools.lru_cache"),
)
EVENT_LOOP_BLOCKED = Rule(
    code="HLH004", name="event-loop-blocked", command="profile",
    summary="Synchronous call blocks the asyncio event loop",
    doc=_doc(
        """
        Reports a line inside a coroutine or callback that the profile caught in a
        blocking call (`time.sleep`, sockets, `subprocess`, file I/O, `requests`) while the
        event loop was running it, with the share of the run it blocked.
        """,
        """
        While a callback blocks, the event loop serves nothing else: every other request
        waits.
        """,
        """
        async def handler():
            time.sleep(0.1)
        """,
        "`hlopt debloat --select HLA path.py` finds the blocking calls in async code and "
        "proposes the awaitable form (`await asyncio.sleep(0.1)`).",
        _ADVICE_ONLY),
)
IMPORT_DOMINATED = Rule(
    code="HLH005", name="import-dominated-run", command="profile",
    summary="Imports take a large share of the run",
    doc=_doc(
        """
        Reports a run where importing modules took at least 20% of the time, naming the
        modules whose import cost the most.
        """,
        """
        A command-line tool, a test run or a serverless function pays its imports on every
        start; heavy imports used by one code path slow every other path down.
        """,
        """
        import pandas               # 0.4 s, used by one sub-command

        def main(): ...
        """,
        "`hlopt debloat --select HLS --entry app.py` measures the start-up imports and "
        "moves imports used in a few functions into them.",
        _ADVICE_ONLY),
)
PROGRAM_FAILED = Rule(
    code="HLH006", name="program-failed", command="profile",
    summary="Profiled program exited with a non-zero status",
    doc=_doc(
        """
        Reports that the profiled program raised an exception or exited with a non-zero
        status. The profile of the run up to that point is still reported; this finding
        makes `hlopt profile` exit 1, so CI notices.
        """,
        """
        A profile of a failing run measures the failure path, which is rarely the one to
        optimise.
        """,
        """
        raise SystemExit(3)
        """,
        "Fix the failure (the exception and the line are in the message), or profile a "
        "run that succeeds.",
        "Information only; nothing is changed."),
)

register(HOT_FUNCTION, NATIVIZE_CANDIDATE, MEMOIZABLE, EVENT_LOOP_BLOCKED, IMPORT_DOMINATED,
         PROGRAM_FAILED)
