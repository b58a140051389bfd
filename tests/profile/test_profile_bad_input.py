"""Bad input and refusals: clear messages, the right exit codes, and a profile whenever the
program ran at all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def test_missing_script_is_an_input_error(invoke, tmp_path: Path) -> None:  # noqa: ANN001
    result = invoke(["profile", str(tmp_path / "nope.py")], exit_code=2)
    assert "nope.py: no such script" in result.stderr
    assert "hint:" in result.stderr


def test_nothing_to_profile(invoke) -> None:  # noqa: ANN001
    result = invoke(["profile"], exit_code=2)
    assert "nothing to profile" in result.stderr


def test_unknown_command(invoke) -> None:  # noqa: ANN001
    result = invoke(["profile", "--", "no-such-command-hlopt"], exit_code=2)
    assert "no-such-command-hlopt: command not found" in result.stderr


def test_pid_that_does_not_exist(invoke) -> None:  # noqa: ANN001
    pid = 4_000_000  # above the kernel's pid_max
    result = invoke(["profile", "--pid", str(pid)], exit_code=2)
    assert f"no process with pid {pid}" in result.stderr


@pytest.mark.parametrize("engine", ["cprofile", "pyinstrument", "auto"])
def test_a_script_that_raises_is_still_profiled(prof, script, engine: str) -> None:  # noqa: ANN001
    path = script("""
        def work():
            return sum(i * i for i in range(3_000_000))  # ~0.3 s: enough samples at 100 Hz

        work()
        raise ValueError("boom")
    """)
    doc = prof.run(["--engine", engine, str(path)], exit_code=1)
    failed = prof.codes(doc, "HLH006")
    assert len(failed) == 1
    assert failed[0]["line"] == 5 and failed[0]["severity"] == "warning"
    assert failed[0]["data"]["exit_status"] == 1
    assert "ValueError: boom" in failed[0]["message"]
    assert doc["exit_code"] == 1
    assert "ValueError: boom" in doc["_stderr"]  # the program's traceback reaches stderr
    assert prof.hot(doc), "the run up to the failure is still profiled"


def test_sys_exit_status_is_reported(prof, script) -> None:  # noqa: ANN001
    path = script("import sys\nsum(range(100_000))\nsys.exit(3)\n")
    doc = prof.run(["--engine", "cprofile", str(path)], exit_code=1)
    assert prof.codes(doc, "HLH006")[0]["data"]["exit_status"] == 3


@pytest.mark.parametrize("engine", ["cprofile", "pyinstrument", "auto"])
def test_duration_stops_a_program_that_runs_forever(prof, script, engine: str) -> None:  # noqa: ANN001
    path = script("""
        def spin():
            while True:
                total = 0
                for i in range(10_000):
                    total += i

        try:
            spin()
        finally:
            print("cleanup ran")
    """)
    doc = prof.run(["--engine", engine, "--duration", "1", str(path)])
    assert doc["exit_code"] == 0
    assert not prof.codes(doc, "HLH006")
    assert any("hlopt stopped the program" in n for n in doc["notes"])
    assert "cleanup ran" in doc["_stderr"]  # stopped with SIGINT: finally blocks run
    assert prof.hot(doc)[0]["qualname"] == "spin"


def test_py_spy_refusal_falls_back_under_auto(prof, script, fake_py_spy) -> None:  # noqa: ANN001
    path = script("sum(i * i for i in range(200_000))\n")
    doc = prof.run([str(path)])
    notes = "\n".join(doc["notes"])
    assert "py-spy cannot run here: not allowed to read the program's memory" in notes
    assert "profiled with pyinstrument instead" in notes
    assert "Permission Denied" not in doc["_stderr"]  # said once, by hlopt


def test_py_spy_refusal_in_cpu_mode_falls_back_to_cprofile(prof, script, fake_py_spy) -> None:  # noqa: ANN001
    path = script("sum(i * i for i in range(200_000))\n")
    doc = prof.run(["--mode", "cpu", str(path)])
    assert any("profiled with cprofile instead" in n for n in doc["notes"])


def test_explicit_py_spy_refusal_says_why_and_what_to_do(invoke, script, fake_py_spy) -> None:  # noqa: ANN001
    path = script("pass\n")
    result = invoke(["profile", "--engine", "py-spy", str(path)], exit_code=2)
    assert "py-spy: not allowed to read the program's memory (ptrace refused" in result.stderr
    assert "CAP_SYS_PTRACE" in result.stderr
    assert "--cap-add SYS_PTRACE" in result.stderr
    assert "--engine pyinstrument" in result.stderr


def test_pid_with_refused_py_spy_cannot_fall_back(invoke, fake_py_spy) -> None:  # noqa: ANN001
    result = invoke(["profile", "--pid", str(os.getpid())], exit_code=2)
    assert "--pid needs py-spy, which cannot run here" in result.stderr


def test_missing_py_spy_binary(invoke, script, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("HLOPT_PY_SPY", str(tmp_path / "missing" / "py-spy"))
    result = invoke(["profile", "--engine", "py-spy", str(script("pass\n"))], exit_code=2)
    assert "py-spy: " in result.stderr and "is not an executable file" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--engine", "nope", "x.py"], "--engine 'nope' is not one of"),
    (["--mode", "gpu", "x.py"], "--mode 'gpu' is not one of"),
    (["--rate", "0", "x.py"], "--rate 0 is out of range"),
    (["--duration", "-1", "x.py"], "--duration -1.0 must be positive"),
    (["-o", "out.txt", "x.py"], "unknown output type"),
    (["--engine", "pyinstrument", "--mode", "cpu", "x.py"], "wall-clock time only"),
    (["--engine", "cprofile", "--native", "x.py"], "--native needs py-spy"),
    (["--engine", "cprofile", "-o", "f.svg", "x.py"], "cProfile records no stacks"),
    (["--pid", "1", "x.py"], "--pid cannot be combined"),
    (["--diff", "a.json", "b.json", "x.py"], "--diff compares two reports"),
])
def test_bad_options(invoke, tmp_path, monkeypatch, args, message) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.py").write_text("pass\n")
    result = invoke(["profile", *args], exit_code=2)
    assert message in result.stderr


def test_diff_of_a_missing_or_foreign_report(invoke, tmp_path: Path) -> None:  # noqa: ANN001
    other = tmp_path / "debloat.json"
    other.write_text(json.dumps({"schema_version": 1, "command": "debloat", "target": "."}))
    result = invoke(["profile", "--diff", str(tmp_path / "a.json"), str(other)], exit_code=2)
    assert "a.json: no such file" in result.stderr
    result = invoke(["profile", "--diff", str(other), str(other)], exit_code=2)
    assert "an `hlopt debloat` report, not a profile report" in result.stderr
    (tmp_path / "bad.json").write_text("{")
    result = invoke(["profile", "--diff", str(tmp_path / "bad.json"), str(other)], exit_code=2)
    assert "bad.json: not a JSON report" in result.stderr
