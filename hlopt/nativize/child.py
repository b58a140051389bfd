"""The verify child: runs the Python function and the native one on the same inputs.

Run as ``python -m hlopt.nativize.child JOB`` (JOB: a pickled dict written by
:mod:`hlopt.nativize.verify`). Native code may crash the process or never return, so
before each native call the child writes the call and the Python side's outcome to the
job's ``current`` file; a faulthandler watchdog ends a native call that runs far longer
than Python's. The result (a pickled dict) goes to the job's ``out`` file.
"""

from __future__ import annotations

import faulthandler
import importlib
import importlib.util
import inspect
import os
import pickle
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from hlopt.nativize.compare import (
    FAST_MATH_REL_TOL,
    Outcome,
    call_text,
    describe,
    fresh,
    run,
    same_outcome,
)

#: a native call may take this many times Python's time (at least MIN_WATCHDOG s)
SLOWDOWN, MIN_WATCHDOG = 100, 10.0
#: base inputs whose arguments are swapped for other types (per source of inputs)
ALTERNATIVE_BASES = 4
#: seconds the Python side may take on one input; slower inputs are skipped, not compared
#: (a generated 2**63 for a loop bound would otherwise run for ever)
PY_LIMIT = 2.0
#: generated inputs: Python gets this many times the slowest recorded call (at least
#: MIN_GENERATED_LIMIT seconds)
GENERATED_SLACK, MIN_GENERATED_LIMIT = 20, 0.25
#: address space the child may use: an input that needs more is skipped (MemoryError)
MEMORY_LIMIT = 4 << 30
#: what the Python side may raise that says "this input is too big", not "this is wrong"
RESOURCE_ERRORS = (MemoryError, RecursionError)
Factory = Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]


class Stop(Exception):
    """Enough mismatches were found."""


class TooSlow(BaseException):
    """The Python side ran past PY_LIMIT on one input (raised by SIGALRM)."""


def _alarm(signum: int, frame: Any) -> None:
    raise TooSlow


class Checker:
    """Runs inputs through both functions, counting them and keeping the mismatches."""

    def __init__(self, job: dict[str, Any], pyfunc: Any, native: Any) -> None:
        self.job, self.pyfunc, self.native = job, pyfunc, native
        self.tol = FAST_MATH_REL_TOL if job["fast_math"] else None
        self.names = param_names(pyfunc)
        self.mismatches: list[dict[str, str]] = []
        #: seconds of the slowest recorded call (None before any ran)
        self.slowest: float | None = None
        self.counts = {"recorded": 0, "generated": 0, "alternatives": 0, "raised": 0,
                       "skipped": 0}

    def check(self, factory: Factory, kind: str) -> dict[str, str] | None:
        """Run one input on both sides (fresh arguments each); the mismatch, if any."""
        before_args, before_kwargs = factory()
        before = Outcome(args=before_args, kwargs=before_kwargs)
        text = call_text(self.job["name"], before_args, before_kwargs)
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, self.job.get("py_limit", PY_LIMIT))
        try:
            py = run(self.pyfunc, *factory())
        except TooSlow:
            py = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        took = time.perf_counter() - start
        if kind == "recorded" and py is not None:
            self.slowest = max(self.slowest or 0.0, took)
        if py is None or isinstance(py.raised, RESOURCE_ERRORS):
            self.counts["skipped"] += 1  # too big an input to check: neither side is judged
            return None
        self.note(text, describe(py, before, self.names), took)
        faulthandler.dump_traceback_later(max(MIN_WATCHDOG, SLOWDOWN * took), exit=True)
        try:
            native = run(self.native, *factory())
        finally:
            faulthandler.cancel_dump_traceback_later()
        self.counts[kind] += 1
        if same_outcome(py, native, self.tol):
            self.counts["raised"] += py.raised is not None
            return None
        return {"call": text, "python": describe(py, before, self.names, native, self.tol),
                "native": describe(native, before, self.names, py, self.tol)}

    def note(self, text: str, python: str, took: float) -> None:
        """What the parent reports if the native call crashes or hangs."""
        record = {"call": text, "python": python, "seconds": took}
        with open(self.job["current"], "wb") as f:
            pickle.dump(record, f)

    def keep(self, mismatch: dict[str, str] | None) -> None:
        if mismatch is not None:
            self.mismatches.append(mismatch)
            if len(self.mismatches) >= self.job["max_mismatches"]:
                raise Stop


def param_names(func: Any) -> list[str]:
    try:
        return list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return []


def recorded_inputs(calls: list[tuple[tuple, dict]]) -> Iterator[Factory]:
    for args, kwargs in calls:
        yield lambda args=args, kwargs=kwargs: fresh((args, kwargs))


def run_generated(checker: Checker, params: dict[str, Any], examples: int, seed: int,
                  bases: list[tuple[tuple, dict]]) -> None:
    """Hypothesis-generated inputs from the typing; a mismatch is shrunk to a small one."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    from hlopt.nativize.types import strategy

    plan = positional_plan(checker.pyfunc, params)
    if plan is None:
        return
    positional, keywords = plan
    found: list[dict[str, str]] = []

    @with_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, derandomize=False,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(st.tuples(*(strategy(params[n]) for n in positional)),
           st.fixed_dictionaries({n: strategy(params[n]) for n in keywords}))
    def body(args: tuple, kwargs: dict) -> None:
        if len(bases) < ALTERNATIVE_BASES:
            bases.append(fresh((args, kwargs)))
        mismatch = checker.check(lambda: fresh((args, kwargs)), "generated")
        if mismatch is not None:
            found.append(mismatch)
            raise AssertionError(mismatch["call"])

    try:
        body()
    except AssertionError:
        if found:
            checker.keep(found[-1])  # hypothesis replays the shrunk example last


def positional_plan(func: Any, params: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """The parameters to generate (positional, keyword-only); None if one has no type."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    positional, keywords = [], []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name not in params:
            if p.default is p.empty:
                return None
            continue
        (keywords if p.kind == p.KEYWORD_ONLY else positional).append(p.name)
    return positional, keywords


def alternatives(value: Any) -> list[Any]:
    """Other-type stand-ins for an argument: what CPython may take and C code may not."""
    out: list[Any] = [None]
    if isinstance(value, bool):
        out += [int(value)]
    elif isinstance(value, int):
        out += [float(value), bool(value)] + ([value + 2**64] if value >= 0 else [])
    elif isinstance(value, float):
        out += [int(value)] if value == value and abs(value) != float("inf") else []
    elif isinstance(value, list):
        out += [tuple(value)]
    elif isinstance(value, tuple):
        out += [list(value)]
    elif isinstance(value, bytes):
        out += [bytearray(value), memoryview(value), value.decode("latin-1")]
    elif isinstance(value, bytearray | memoryview):
        out += [bytes(value)]
    elif isinstance(value, str):
        out += [value.encode()]
    return out


def alternative_inputs(bases: list[tuple[tuple, dict]]) -> Iterator[Factory]:
    """Each base input with one argument swapped for each of its alternatives."""
    for args, kwargs in bases:
        for i, value in enumerate(args):
            for k in range(len(alternatives(value))):
                def factory(args=args, kwargs=kwargs, i=i, k=k):
                    new_args, new_kwargs = fresh((args, kwargs))
                    new_args = list(new_args)
                    new_args[i] = alternatives(new_args[i])[k]
                    return tuple(new_args), new_kwargs
                yield factory


def check_all(checker: Checker, job: dict[str, Any]) -> None:
    calls = job["calls"]
    for factory in recorded_inputs(calls):
        checker.keep(checker.check(factory, "recorded"))
    # generated inputs may be far larger than any real one (2**62 as a loop bound): Python
    # gets GENERATED_SLACK times the slowest recorded call, within the job's limit
    if checker.slowest is not None:
        limit = job.get("py_limit", PY_LIMIT)
        job["py_limit"] = min(limit, max(MIN_GENERATED_LIMIT, GENERATED_SLACK * checker.slowest))
    bases = [fresh(c) for c in calls[:ALTERNATIVE_BASES]]
    if job["examples"] > 0 and job["params"]:
        run_generated(checker, job["params"], job["examples"], job["seed"], bases)
    for factory in alternative_inputs(bases):
        checker.keep(checker.check(factory, "alternatives"))


def load_functions(job: dict[str, Any]) -> tuple[Any, Any]:
    """The user's Python function and the native one bound to it."""
    from importlib.machinery import ExtensionFileLoader

    sys.path.insert(0, job["root"])
    obj: Any = importlib.import_module(job["module"])
    for part in job["qualname"].split("."):
        obj = getattr(obj, part)
    pyfunc = inspect.unwrap(obj) if not inspect.isfunction(obj) else obj
    loader = ExtensionFileLoader(job["module_name"], job["so"])
    spec = importlib.util.spec_from_file_location(job["module_name"], job["so"], loader=loader)
    ext = importlib.util.module_from_spec(spec)
    loader.exec_module(ext)
    return pyfunc, ext._hlopt_bind(pyfunc)


def _limit_resources() -> None:
    """SIGALRM ends a slow Python call; a memory cap turns a huge input into MemoryError."""
    signal.signal(signal.SIGALRM, _alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _exit_with_parent() -> None:
    """End this process when hlopt (its parent) is gone: never leave an orphan running."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def main(job_path: str) -> int:
    _exit_with_parent()
    _limit_resources()
    with open(job_path, "rb") as f:
        job = pickle.load(f)
    result: dict[str, Any] = {}
    try:
        pyfunc, native = load_functions(job)
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}", "phase": "load"}
    else:
        checker = Checker(job, pyfunc, native)
        try:
            check_all(checker, job)
        except Stop:
            pass
        result = {**checker.counts, "mismatches": checker.mismatches}
    with open(job["out"] + ".tmp", "wb") as f:
        pickle.dump(result, f)
    os.replace(job["out"] + ".tmp", job["out"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
