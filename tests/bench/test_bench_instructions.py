"""Instruction counts: callgrind markers, perf parsing, and a clear error without a tool."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hlopt.bench import instructions as ins
from hlopt.core.errors import ToolchainError

needs_valgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None,
    reason="valgrind is not installed (scripts/install-system-tools.sh installs it)")


def test_parse_callgrind_dump(tmp_path: Path) -> None:
    dump = tmp_path / "cg.out.2"
    dump.write_text("# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npart: 2\n\n"
                    "desc: I1 cache: \ndesc: Timerange: Basic block 1 - 2\n"
                    "desc: Trigger: --dump-before=ctermid\n\nevents: Ir\n"
                    "fn=(1) main\n0 12\nsummary: 952095\ntotals: 957911\n")
    assert ins.parse_callgrind(dump) == 952095
    assert ins.trigger(dump) == "ctermid"
    dump.write_text("desc: Trigger: Program termination\nevents: Ir\ntotals: 42\n")
    assert ins.parse_callgrind(dump) == 42
    assert ins.trigger(dump) == ""
    dump.write_text("events: Ir\n")
    with pytest.raises(ToolchainError, match="no totals"):
        ins.parse_callgrind(dump)


def test_parse_perf_csv() -> None:
    assert ins.parse_perf("# started on ...\n\n123456789,,instructions:u,1000,100.00,,\n") \
        == 123456789
    assert ins.parse_perf("<not supported>,,instructions:u,0,100.00,,\n") is None
    assert ins.parse_perf("") is None


def test_no_counter_is_a_clear_toolchain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    ins.find_counter.cache_clear()
    monkeypatch.setattr(ins.shutil, "which", lambda name: None)
    try:
        with pytest.raises(ToolchainError) as err:
            ins.find_counter()
    finally:
        ins.find_counter.cache_clear()
    assert "valgrind is not installed" in err.value.message
    assert "perf is not installed" in err.value.message
    assert err.value.hint is not None and "apt-get install valgrind" in err.value.hint


def test_cli_without_counter_exits_2(monkeypatch: pytest.MonkeyPatch, workdir: Path,
                                     invoke) -> None:
    ins.find_counter.cache_clear()
    monkeypatch.setattr(ins.shutil, "which", lambda name: None)
    try:
        result = invoke(["bench", "work:same", "--metric", "instructions"], exit_code=2)
    finally:
        ins.find_counter.cache_clear()
    assert "instruction counts need valgrind or perf" in result.stderr
    assert "install valgrind" in result.stderr


@needs_valgrind
def test_ten_percent_more_work_is_detected_in_instruction_mode(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work:same", "--against", "work:slower", "--metric",
                     "instructions", "--rounds", "2", "--fail-if-slower", "5%",
                     "--format", "json"], exit_code=1)
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["code"] == "HLB001" and finding["severity"] == "warning"
    data = finding["data"]
    assert data["significant"] is True and data["verdict"] == "slower"
    assert 1.08 < data["ratio"] < 1.11  # 10% more loop iterations, the same call overhead
    assert data["ci"] == [data["ratio"], data["ratio"]]  # counts repeat exactly
    assert len(set(data["before"]["samples"])) == 1 and len(set(data["after"]["samples"])) == 1


@needs_valgrind
def test_a_against_a_is_no_significant_difference_in_instruction_mode(workdir: Path,
                                                                         invoke) -> None:
    result = invoke(["bench", "work:same", "--against", "work:same", "--metric",
                     "instructions", "--rounds", "2", "--fail-if-slower", "1%",
                     "--format", "json"])
    report = json.loads(result.stdout)
    (finding,) = report["findings"]
    assert finding["code"] == "HLB003" and finding["severity"] == "info"
    assert finding["data"]["ratio"] == 1.0 and finding["data"]["ci"] == [1.0, 1.0]
    assert report["metrics"][0]["significant"] is False
    assert report["exit_code"] == 0


@needs_valgrind
def test_whole_command_instruction_count(workdir: Path) -> None:
    from hlopt.bench.model import CommandSpec

    counter = ins.find_counter()
    small = counter.count_command(CommandSpec(("true",), workdir), 60)
    big = counter.count_command(CommandSpec(("ls", "-R", "/etc"), workdir), 60)
    assert big > small > 10_000


@needs_valgrind
def test_a_stmt_that_calls_the_markers_is_refused(workdir: Path, invoke) -> None:
    # the stmt calls the marker once (a loop of calls would only take longer to refuse)
    result = invoke(["bench", "--setup", "import os; seen = []", "--stmt",
                     "seen or seen.append(os.ctermid())", "--metric", "instructions",
                     "--rounds", "1"], exit_code=2)
    assert "expected 6 callgrind dumps at os.ctermid(), got 7" in result.stderr
    assert "calls os.ctermid()" in result.stderr
