"""Unit tests: names and scopes of frames, ranking arithmetic, engine output parsers, the
nativize verdict, target resolution."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.core.errors import InputError, UsageError
from hlopt.profile.advice import module_name
from hlopt.profile.engines.pyinstrument import _frame, parse_session
from hlopt.profile.engines.pyspy import parse_speedscope, refusal
from hlopt.profile.hotspots import aggregate, hot_spots
from hlopt.profile.model import Frame, Profile, resolve, scope_of, strip_frames
from hlopt.profile.nativizable import judge
from hlopt.profile.target import resolve_target

SOURCE = '''
import functools


class Cache:
    @functools.cache
    @staticmethod
    def lookup(key):
        return key * 2

    def method(self):
        def inner():
            return [i for i in range(3)]
        return inner()


def top(n):
    total = 0
    for i in range(n):
        total += i
    return total
'''


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    return str(path)


def test_resolve_names_functions_by_their_qualname(source: str) -> None:
    assert resolve(Frame("lookup", source, 9)).qualname == "Cache.lookup"
    lookup = resolve(Frame("lookup", source, 0, first_line=6))  # co_firstlineno: decorator
    assert (lookup.qualname, lookup.line, lookup.first_lines) == ("Cache.lookup", 8, (6, 8))
    assert resolve(Frame("inner", source, 13)).qualname == "Cache.method.<locals>.inner"
    assert resolve(Frame("<listcomp>", source, 13)).qualname == \
        "Cache.method.<locals>.inner.<listcomp>"
    top = resolve(Frame("top", source, 21))
    assert (top.qualname, top.line, top.scope) == ("top", 17, "user")
    assert resolve(Frame("top", source, 20)) == top  # every line of a function: one function
    assert resolve(Frame("<module>", source, 3)).line == 1


def test_scopes() -> None:
    assert scope_of("/usr/lib/python3.11/json/decoder.py") == "stdlib"
    assert scope_of("/venv/lib/python3.12/site-packages/requests/api.py") == "library"
    assert scope_of("<frozen importlib._bootstrap>") == "stdlib"
    assert scope_of("~") == scope_of("<built-in>") == "builtin"
    assert scope_of("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13") == "native"
    assert scope_of("/home/me/app/main.py") == "user"
    assert resolve(Frame("time.sleep", "~", 0)).file == "<built-in>"


def test_strip_frames_cuts_at_the_runner() -> None:
    runner = [Frame("main", "/x/runner.py", 40), Frame("_hlopt_target", "/x/runner.py", 80),
              Frame("run_path", "<frozen runpy>", 291), Frame("_run_code", "/l/runpy.py", 88)]
    prog = [Frame("<module>", "app.py", 3), Frame("f", "app.py", 9)]
    assert strip_frames(runner + prog, "_hlopt_target") == tuple(prog)
    assert strip_frames(prog, "_hlopt_target") is None


def test_aggregate_counts_recursion_once_and_ranks_by_self() -> None:
    m, f, g = Frame("main", "a.py", 1), Frame("f", "a.py", 5), Frame("g", "a.py", 9)
    prof = Profile("t", "wall", samples=[((m, f, f, f), 0.5), ((m, g), 0.3), ((m,), 0.2)])
    ranked = aggregate(prof)
    by = {h.fid.qualname: h for h in ranked}
    assert [h.fid.qualname for h in ranked] == ["f", "g", "main"]
    assert by["f"].total_share == pytest.approx(0.5)  # not 1.5: recursion counts once
    assert by["main"].total_share == pytest.approx(1.0)
    assert by["main"].self_share == pytest.approx(0.2)
    assert [h.rank for h in ranked] == [1, 2, 3]
    assert [h.fid.qualname for h in hot_spots(ranked, 2)] == ["f", "g"]


def test_parse_speedscope_keeps_main_threads_in_wall_mode() -> None:
    doc = {"shared": {"frames": [
        {"name": "main", "file": "/r/runner.py", "line": 40},
        {"name": "_hlopt_target", "file": "/r/runner.py", "line": 80},
        {"name": "work", "file": "app.py", "line": 3},
        {"name": "bg", "file": "app.py", "line": 9},
        {"name": 'process 7:"python app.py"', "file": "", "line": 0}]},
        "profiles": [
            {"name": 'Process 7 Thread 7 "MainThread"', "samples": [[4, 0, 1, 2], [4, 0]],
             "weights": [0.01, 0.01]},
            {"name": 'Process 7 Thread 8 "bg"', "samples": [[4, 3]], "weights": [0.01]}]}
    wall = parse_speedscope(doc, main_pid=7, main_only=True, cut=True)
    assert [[f.name for f in s] for s, _ in wall] == [["work"]]
    every = parse_speedscope(doc, main_pid=7, main_only=False, cut=True)
    assert [[f.name for f in s] for s, _ in every] == [["work"], ["bg"]]


def test_pyinstrument_frames() -> None:
    f = _frame("lookup\x00/a/mod.py\x006\x01cCache\x01l9")
    assert (f.name, f.file, f.first_line, f.line) == ("Cache.lookup", "/a/mod.py", 6, 9)
    session = {"frame_records": [
        (["MainThread\x00<thread>\x001", "main\x00/r/runner.py\x0030",
          "_hlopt_target\x00/r/runner.py\x0070", "<module>\x00app.py\x001\x01l2",
          "sleep\x00<built-in>\x000"], 0.25)]}
    [(stack, weight)] = parse_session(session)
    assert [fr.name for fr in stack] == ["<module>", "sleep"] and weight == 0.25


def test_refusal_messages() -> None:
    denied = refusal(["Permission Denied", "", "It looks like you are running in a docker "
                      "container. Please make sure ... SYS_PTRACE capability."], 1)
    assert denied.privilege and "ptrace refused" in denied.reason
    assert "--cap-add SYS_PTRACE" in denied.hint
    old = refusal(["Error: Unsupported version of Python: 3.99.0"], 1)
    assert not old.privilege and "Unsupported version" in old.reason
    other = refusal(["Error: something else"], 1)
    assert "something else" in other.reason


def _judge(code: str, helpers: frozenset[str] = frozenset(), own: float = 1.0):  # noqa: ANN202
    node = ast.parse(textwrap.dedent(code)).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return judge(node, set(helpers), own)


def test_nativize_verdict_for_a_numeric_loop() -> None:
    v = _judge("""
        def kernel(data, n):
            acc = 0.0
            for i in range(n):
                acc += math.sqrt(data[i]) * 2
            return helper(acc)
    """, frozenset({"helper"}))
    assert v.eligible
    assert v.reasons[0] == "loops (`for ... in range`)"
    assert any("compiled along" in r for r in v.reasons)


@pytest.mark.parametrize("code, why", [
    ("def f(xs):\n    for x in xs:\n        print(x)\n", "it does I/O (`print()`)"),
    ("def f(s):\n    for c in s:\n        eval(c)\n", "`eval()`"),
    ("def f(n):\n    for i in range(n):\n        yield i\n", "generator"),
    ("async def f(n):\n    for i in range(n):\n        pass\n", "coroutine"),
    ("def f(n):\n    global X\n    for i in range(n):\n        X = i\n", "global X"),
    ("def f(t):\n    for _ in range(3):\n        PAT.sub('', t)\n", "already runs in C"),
    ("def f(t):\n    for _ in range(3):\n        json.loads(t)\n", "already runs in C"),
    ("def f(n):\n    return n * 2\n", "no loop"),
    ("def f(self, n):\n    for i in range(n):\n        self.step(i)\n", "self.step"),
    ("def f(n):\n    for i in range(n):\n        unknown(i)\n", "`unknown()`"),
])
def test_nativize_blockers(code: str, why: str) -> None:
    v = _judge(code)
    assert not v.eligible
    assert any(why in reason for _, reason in v.blockers), v.blockers


def test_nativize_needs_the_time_in_own_code() -> None:
    v = _judge("def f(n):\n    for i in range(n):\n        g(i)\n", frozenset({"g"}), own=0.2)
    assert not v.eligible and "only 20% of its time" in v.blockers[0][1]


def test_module_names() -> None:
    assert module_name("/v/lib/python3.11/site-packages/requests/__init__.py") == "requests"
    assert module_name("/usr/lib/python3.11/email/mime/text.py") == "email.mime.text"
    assert module_name("/home/app/thing.py") == "thing"


def test_target_resolution(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("pass\n")
    t = resolve_target(["app.py", "x"], None, None, tmp_path)
    assert (t.kind, t.value, t.args) == ("script", str(script), ("x",))
    t = resolve_target([sys.executable, "-X", "dev", "-m", "json.tool", "f"], None, None,
                       tmp_path)
    assert (t.kind, t.value, t.args, t.flags) == ("module", "json.tool", ("f",), ("-X", "dev"))
    t = resolve_target(["sh", "-c", "true"], None, None, tmp_path)
    assert t.kind == "command" and not t.is_python
    t = resolve_target(["x"], "pkg.mod", None, tmp_path)
    assert (t.kind, t.value, t.args) == ("module", "pkg.mod", ("x",))
    with pytest.raises(InputError, match="no such script"):
        resolve_target(["missing.py"], None, None, tmp_path)
    with pytest.raises(UsageError, match="interactive Python"):
        resolve_target([sys.executable], None, None, tmp_path)
    with pytest.raises(UsageError, match="not a process id"):
        resolve_target([], None, 0, tmp_path)
