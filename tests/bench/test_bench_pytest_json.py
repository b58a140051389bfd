"""pytest-benchmark's JSON format: read a real file, write it back, and run suites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.bench.baseline import load_baseline
from hlopt.bench.pytest_json import (
    compute_stats,
    from_samples,
    read_pytest_json,
    write_pytest_json,
)
from hlopt.core.errors import InputError

pytest.importorskip("pytest_benchmark", reason="pytest-benchmark is in the dev extra")

WORK = '''
def same():
    return sum(i * i for i in range(1000))


def slower():
    return sum(i * i for i in range(1100))
'''
SUITE = '''
from work import same, slower


def test_same(benchmark):
    benchmark(same)


def test_slower(benchmark):
    benchmark(slower)
'''


#: keeps each pytest-benchmark run short (its default spends a second per benchmark)
INI = "[pytest]\naddopts = --benchmark-max-time=0.02 --benchmark-min-rounds=5\n"


def make_suite(root: Path) -> Path:
    (root / "work.py").write_text(textwrap.dedent(WORK))
    (root / "pytest.ini").write_text(INI)
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "test_work.py").write_text(textwrap.dedent(SUITE))
    return root / "benchmarks"


@pytest.fixture
def suite(workdir: Path) -> Path:
    return make_suite(workdir)


@pytest.fixture(scope="module")
def real_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file written by pytest-benchmark itself (once for the module)."""
    root = tmp_path_factory.mktemp("real")
    make_suite(root)
    out = root / "real.json"
    subprocess.run([sys.executable, "-m", "pytest", "benchmarks", "-q", "-p", "no:xdist",
                    "-p", "no:cacheprovider", "--benchmark-only", f"--benchmark-json={out}"],
                   cwd=root, check=True, capture_output=True,
                   env={**{k: v for k, v in os.environ.items() if "XDIST" not in k},
                        "PYTHONPATH": str(root)})
    return out


def test_round_trip_of_a_real_pytest_benchmark_file(real_json: Path, tmp_path: Path) -> None:
    first = read_pytest_json(real_json)
    assert {b.name for b in first} == {"test_same", "test_slower"}
    assert all(b.data and len(b.data) == b.stats["rounds"] for b in first)
    copy = tmp_path / "copy.json"
    write_pytest_json(copy, first)
    assert read_pytest_json(copy) == first
    original = {b["fullname"]: b for b in json.loads(real_json.read_text())["benchmarks"]}
    for b in json.loads(copy.read_text())["benchmarks"]:
        assert b["stats"] == original[b["fullname"]]["stats"]
        assert b["params"] == original[b["fullname"]]["params"]


def test_our_stats_are_pytest_benchmarks_stats(real_json: Path) -> None:
    for b in json.loads(real_json.read_text())["benchmarks"]:
        stats = b["stats"]
        ours = compute_stats(stats["data"])
        for key, value in ours.items():
            assert value == pytest.approx(stats[key]), key


@pytest.mark.parametrize("n", [1, 2, 5, 6, 7, 9])
def test_quartiles_match_pytest_benchmark_for_every_remainder(n: int) -> None:
    from pytest_benchmark.stats import Stats

    data = [float(v * v % 17 + v) for v in range(1, n + 1)]
    ref = Stats()
    for v in data:
        ref.update(v)
    for key, value in compute_stats(data).items():
        assert value == pytest.approx(getattr(ref, key)), key


def test_a_file_we_write_loads_in_pytest_benchmark_compare(tmp_path: Path) -> None:
    out = tmp_path / "0001_hlopt.json"
    write_pytest_json(out, [from_samples("work:same", [1e-5, 1.1e-5, 0.9e-5])])
    cli = Path(sys.executable).with_name("pytest-benchmark")
    shown = subprocess.run([str(cli), "compare", str(out)], capture_output=True, text=True,
                           check=True)
    assert "work:same" in shown.stdout
    assert "Failed to load" not in shown.stderr


def test_baseline_from_pytest_json(real_json: Path) -> None:
    baseline = load_baseline(real_json)
    assert baseline.source == "pytest-benchmark"
    assert len(baseline.samples) == 2
    assert all(len(v["wall"]) > 1 for v in baseline.samples.values())


def test_not_a_pytest_benchmark_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"nothing": 1}')
    with pytest.raises(InputError, match="not a pytest-benchmark JSON"):
        read_pytest_json(bad)
    with pytest.raises(InputError, match="neither an hlopt report"):
        load_baseline(bad)


def test_suite_target_runs_pytest_each_round(suite: Path, workdir: Path, invoke) -> None:
    out = workdir / "suite.json"
    result = invoke(["bench", "benchmarks", "--rounds", "2", "--benchmark-json", str(out),
                     "--format", "json"])
    report = json.loads(result.stdout)
    names = {f["data"]["benchmark"] for f in report["findings"] if f["code"] == "HLB004"}
    assert names == {"benchmarks/test_work.py::test_same", "benchmarks/test_work.py::test_slower"}
    written = read_pytest_json(out)
    assert all(len(b.data or ()) == 2 for b in written)


def test_suite_rejects_instruction_counts(suite: Path, invoke) -> None:
    result = invoke(["bench", "benchmarks", "--metric", "instructions"], exit_code=2)
    assert "cannot measure instructions" in result.stderr
