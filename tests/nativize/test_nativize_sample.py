"""Recording a function's calls: from an expression, from a command, and the sampling."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.core.errors import InputError
from hlopt.nativize import tracer
from hlopt.nativize.model import Call, Target
from hlopt.nativize.sample import record, record_detailed, subsample

MODULE = '''
import threading


def total(xs, scale=1.0, *, bias=0.0):
    s = bias
    for x in xs:
        s += x * scale
    return s


class Acc:
    def add(self, n, *more, key=None):
        return n


def driver(n):
    for i in range(n):
        total([float(j) for j in range(i % 50)], i)


def threaded():
    t = threading.Thread(target=total, args=([1.0, 2.0],))
    t.start()
    t.join()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text(MODULE)
    return tmp_path


def target(root: Path, qualname: str = "total") -> Target:
    return Target(root / "pkg" / "mod.py", qualname, "pkg.mod", root)


def test_expression_records_arguments_by_parameter(project: Path) -> None:
    calls = record(target(project), expr="mod.total([1.0, 2.0], 3.0, bias=1.5)\n"
                                         "total((4,), scale=2)")
    assert calls == [Call(([1.0, 2.0], 3.0), {"bias": 1.5}), Call(((4,), 2), {"bias": 0.0})]


def test_arguments_are_copied_when_the_call_begins(project: Path) -> None:
    expr = "xs = [1.0]\nfor i in range(3):\n    total(xs)\n    xs.append(2.0)"
    calls = record(target(project), expr=expr)
    assert [c.args[0] for c in calls] == [[1.0], [1.0, 2.0], [1.0, 2.0, 2.0]]


def test_many_calls_keep_a_varied_subset_with_the_extremes(project: Path) -> None:
    found = record_detailed(target(project), expr="driver(3000)", limit=20)
    assert found.seen == 3000 and found.skipped == 0 and len(found.calls) == 20
    sizes = [len(c.args[0]) for c in found.calls]
    assert min(sizes) == 0 and max(sizes) == 49 and len(set(sizes)) > 10
    again = record_detailed(target(project), expr="driver(3000)", limit=20)
    assert again.calls == found.calls  # the seed is fixed


def test_unpicklable_arguments_are_skipped_and_counted(project: Path) -> None:
    found = record_detailed(target(project), expr="total([1.0])\ntotal(x for x in [2.0])")
    assert found.seen == 2 and found.skipped == 1 and found.calls == [Call(([1.0], 1.0),
                                                                          {"bias": 0.0})]


def test_methods_varargs_and_threads(project: Path) -> None:
    calls = record(target(project, "Acc.add"), expr="Acc().add(1, 2, 3, key='k')")
    assert len(calls) == 1
    assert calls[0].args[1:] == (1, 2, 3) and calls[0].kwargs == {"key": "k"}
    assert len(record(target(project), expr="threaded()")) == 1


def test_command_with_a_sitecustomize(project: Path) -> None:
    script = project / "run.py"
    script.write_text("from pkg.mod import total\nprint(total([1.0, 2.0, 3.0], 2.0))\n")
    calls = record(target(project), command=[sys.executable, str(script)])
    assert calls == [Call(([1.0, 2.0, 3.0], 2.0), {"bias": 0.0})]


def test_command_running_pytest(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "test_it.py").write_text(textwrap.dedent('''
        from pkg.mod import total

        def test_total():
            assert total([1.0, 2.0]) == 3.0
            assert total([], 2.0) == 0.0
    '''))
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "tests"]
    calls = record(target(project), command=argv, cwd=project)  # run where the user is
    assert [c.args for c in calls] == [([1.0, 2.0], 1.0), ([], 2.0)]


def test_a_command_that_times_out_keeps_what_it_recorded(project: Path) -> None:
    script = project / "slow.py"
    script.write_text("import time\nfrom pkg.mod import total\ntotal([5.0])\n"
                      "time.sleep(60)\n")
    calls = record(target(project), command=[sys.executable, str(script)], timeout=3)
    assert calls == [Call(([5.0], 1.0), {"bias": 0.0})]


def test_failing_expression_is_an_input_error(project: Path) -> None:
    with pytest.raises(InputError, match="failed") as info:
        record(target(project), expr="mod.missing()")
    assert "has no attribute 'missing'" in (info.value.hint or "")
    with pytest.raises(InputError, match="one of them"):
        record(target(project))


def test_subsample_keeps_order_and_extremes() -> None:
    calls = [Call(([0] * ((i * 7) % 30), i)) for i in range(100)]
    kept = subsample(calls, 10)
    assert len(kept) == 10
    order = [c.args[1] for c in kept]
    assert order == sorted(order)
    sizes = [len(c.args[0]) for c in kept]
    assert 0 in sizes and 29 in sizes
    assert subsample(calls[:5], 10) == calls[:5]


def test_reservoir_in_process() -> None:
    def f(a, b=2):
        return a

    rec = tracer.Recorder(__file__, f.__qualname__, limit=5)
    sys.setprofile(rec.profile)
    try:
        for i in range(50):
            f(list(range(i % 7)))
    finally:
        sys.setprofile(None)
    out = rec.result()
    assert out["seen"] == 50 and 5 <= len(out["calls"]) <= 7
