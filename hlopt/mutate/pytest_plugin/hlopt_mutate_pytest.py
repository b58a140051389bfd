"""The pytest side of ``hlopt mutate``: a warm session that forks a child per mutant.

Loaded with ``-p hlopt_mutate_pytest`` into the project's own interpreter, so it uses only
the standard library and pytest. It replaces the test loop: it reports the collected
tests, runs the clean suite once in a forked child (tracing which test executes which
function), then forks one child per mutant from the collected, never-run session. The
child swaps the mutated function's ``__code__``, runs the tests that execute it (fastest
first, stopping at the first failure) and exits 0 (survived), 1 (killed) or 3 (could not
install). The parent kills children past their deadline. JSON lines on two pipes
(``HLOPT_MUTATE_FDS``) carry everything to and from hlopt.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import threading
import time
import types
from collections import deque

# the plugin runs in the tested project's interpreter, which has pytest; hlopt needn't
import _pytest.nodes  # noqa: HLE003 - see above
import pytest  # noqa: HLE003 - see above
from _pytest.runner import runtestprotocol  # noqa: HLE003 - see above

EXIT_SURVIVED, EXIT_KILLED, EXIT_ERROR = 0, 1, 3


class Channel:
    """JSON lines from hlopt (``recv``) and to it (``send``)."""

    def __init__(self, spec: str) -> None:
        rfd, wfd = (int(x) for x in spec.split(","))
        self.reader = os.fdopen(rfd, "r", encoding="utf-8")
        self.wfd = wfd

    def send(self, message: dict) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.wfd, data):]

    def recv(self) -> dict:
        line = self.reader.readline()
        if not line:
            raise SystemExit("hlopt closed the channel")
        return json.loads(line)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Keep pytest-xdist from taking over the loop (``-n`` in the project's addopts)."""
    if hasattr(config.option, "dist"):
        config.option.dist = "no"
        config.option.numprocesses = None
    scratch = os.environ.get("HLOPT_MUTATE_SCRATCH")
    if scratch and hasattr(config.option, "benchmark_storage"):  # pytest-benchmark would
        config.option.benchmark_storage = f"file://{scratch}/benchmarks"  # write .benchmarks/
        config.option.benchmark_disable = True  # and benchmarks need one run, not rounds
    prefix = os.environ.get("HLOPT_MUTATE_BLOCK")
    if prefix:
        sys.meta_path.insert(0, _Blocker(prefix))


class _Blocker:
    """Make ``import`` of hlopt nativize extensions fail, so their Python twins run."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def find_spec(self, name, path=None, target=None):
        if name.rpartition(".")[2].startswith(self.prefix):
            raise ImportError(f"hlopt mutate: {name} blocked (the Python code is tested)")
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        return None  # pytest's own loop stops with "errors during collection"; hlopt reads why
    channel = Channel(os.environ["HLOPT_MUTATE_FDS"])
    items = list(session.items)
    channel.send({"collected": [item.nodeid for item in items],
                  "rootdir": str(session.config.rootpath)})
    plan = channel.recv()
    if not items or plan.get("stop"):
        return True
    for name in plan.get("modules", ()):
        try:
            __import__(name)
        except Exception:  # the tests may import it another way; the registry says
            pass
    files = {os.path.realpath(f) for f in plan["files"]}
    status = _fork_and_wait(lambda: _clean_run(items, files, channel))
    channel.send({"clean_done": status})
    work = channel.recv()
    registry = _registry(files)
    gc.collect()
    gc.freeze()  # children never scan (and so never copy) the parent's objects
    _run_mutants(work, items, registry, channel)
    channel.send({"done": True})
    return True


def _fork_and_wait(body) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            body()
            code = 0
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]


def _clean_run(items: list, files: set[str], channel: Channel) -> None:
    """Run every test once, recording its outcome, its time and the functions it runs."""
    cache: dict = {}
    hit: set = set()

    def tracer(frame, event, arg):
        code = frame.f_code
        key = cache.get(code)
        if key is None:
            path = os.path.realpath(code.co_filename)
            key = (path, code.co_qualname.split(".<locals>")[0]) if path in files else False
            cache[code] = key
        if key:
            hit.add(key)
        return None

    results = []
    total = len(items)
    for i, item in enumerate(items):
        hit.clear()
        start = time.perf_counter()
        sys.settrace(tracer)
        threading.settrace(tracer)
        try:
            reports = runtestprotocol(item, log=False,
                                      nextitem=items[i + 1] if i + 1 < total else None)
        finally:
            sys.settrace(None)
            threading.settrace(None)
        failed = [r for r in reports if r.failed]
        results.append({"t": time.perf_counter() - start, "f": bool(failed),
                        "why": _why(failed[0]) if failed else "",
                        "hit": sorted(hit)})
        channel.send({"progress": i + 1, "total": total})
    channel.send({"clean": results})


def _why(report) -> str:
    text = str(getattr(report, "longreprtext", "") or "")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else f"failed in {report.when}"


def _registry(files: set[str]) -> dict:
    """(file, qualname, first line) -> every function object running that code."""
    names: dict = {}
    registry: dict = {}
    for obj in gc.get_objects():
        if type(obj) is not types.FunctionType:
            continue
        code = obj.__code__
        path = names.get(code.co_filename)
        if path is None:
            path = names[code.co_filename] = os.path.realpath(code.co_filename)
        if path in files:
            key = (path, code.co_qualname, code.co_firstlineno)
            registry.setdefault(key, []).append(obj)
    return registry


def _install(mutant: dict, registry: dict) -> None:
    path = os.path.realpath(mutant["path"])
    functions = registry.get((path, mutant["qualname"], mutant["first_line"]))
    if not functions:
        raise LookupError(f"no function object runs {mutant['qualname']}")
    code = compile(mutant["code"], path, "exec")
    for part in mutant["qualname"].split("."):
        code = next(c for c in code.co_consts
                    if isinstance(c, types.CodeType) and c.co_name == part)
    for fn in functions:
        fn.__code__ = code


def _child(mutant: dict, items: list, registry: dict) -> None:
    os.setpgid(0, 0)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        _install(mutant, registry)
    except Exception:
        os._exit(EXIT_ERROR)
    # a failure is all a child reports: formatting its traceback (which reads and parses
    # source files) would cost more than running the test
    _pytest.nodes.Node._repr_failure_py = lambda self, excinfo, style=None: "killed"
    chosen = [items[i] for i in mutant["tests"]]
    for n, item in enumerate(chosen):
        reports = runtestprotocol(item, log=False,
                                  nextitem=chosen[n + 1] if n + 1 < len(chosen) else None)
        if any(r.failed for r in reports):
            os._exit(EXIT_KILLED)
    os._exit(EXIT_SURVIVED)


class _Pool:
    """Up to ``jobs`` forked children at once, each with a deadline."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.running: dict[int, tuple[dict, float, float, int | None]] = {}
        signal.signal(signal.SIGTERM, self._terminate)

    def _terminate(self, signum, frame) -> None:
        self.kill_all()
        os._exit(143)

    def kill_all(self) -> None:
        for pid in list(self.running):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass

    def spawn(self, mutant: dict, items: list, registry: dict) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                _child(mutant, items, registry)
            finally:
                os._exit(EXIT_KILLED)
        try:
            os.setpgid(pid, pid)  # also set here: no race with a kill before the child's
        except OSError:
            pass
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # before Linux 5.3: poll instead
            pidfd = None
        now = time.perf_counter()
        self.running[pid] = (mutant, now + mutant["timeout"], now, pidfd)

    def reap(self) -> list[tuple[dict, str, float]]:
        """Wait for at least one child to end or pass its deadline; return the finished."""
        nearest = min(d for _, d, _, _ in self.running.values())
        wait = max(0.0, nearest - time.perf_counter())
        fds = [fd for *_, fd in self.running.values() if fd is not None]
        if fds and len(fds) == len(self.running):
            select.select(fds, [], [], wait)
        else:
            time.sleep(min(wait, 0.002))
        done = []
        now = time.perf_counter()
        for pid, (mutant, deadline, start, fd) in list(self.running.items()):
            got, status = os.waitpid(pid, os.WNOHANG)
            if got == 0 and now < deadline:
                continue
            if got == 0:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
                os.waitpid(pid, 0)
                outcome = "timeout"
            else:
                outcome = _outcome(status)
            if fd is not None:
                os.close(fd)
            del self.running[pid]
            done.append((mutant, outcome, now - start))
        return done


def _outcome(status: int) -> str:
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        return {EXIT_SURVIVED: "survived", EXIT_ERROR: "error"}.get(code, "killed")
    return "killed"  # a crash (segfault, abort) is the tests noticing too


def _run_mutants(work: dict, items: list, registry: dict, channel: Channel) -> None:
    pending = deque(work["mutants"])
    pool = _Pool(int(work.get("jobs") or os.cpu_count() or 1))
    try:
        while pending or pool.running:
            while pending and len(pool.running) < pool.jobs:
                pool.spawn(pending.popleft(), items, registry)
            for mutant, outcome, seconds in pool.reap():
                channel.send({"id": mutant["id"], "outcome": outcome,
                              "seconds": round(seconds, 4)})
    finally:
        pool.kill_all()
