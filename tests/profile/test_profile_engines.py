"""Every engine that works here profiles the real mixed workload in a child process and
ranks the numeric loop first; the nativize advice names that loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MIXED = str(REPO / "bench" / "workloads" / "mixed.py")


def _check_ranking(prof, doc: dict) -> None:  # noqa: ANN001 - the prof fixture
    ranked = prof.hot(doc)
    assert ranked, doc["notes"]
    assert ranked[0]["qualname"] == "numeric_loop", [(h["qualname"], h["self_share"])
                                                     for h in ranked]
    assert ranked[0]["scope"] == "user"
    assert ranked[0]["file"].endswith("mixed.py")
    assert ranked[0]["line"] == 24
    assert ranked[0]["target"].endswith("mixed.py:numeric_loop")
    # the smaller functions are there too (--top 30: a sampler on a loaded machine may
    # rank library frames such as the json decoder above them)
    names = {h["qualname"] for h in ranked}
    assert {"fib", "scramble"} <= names
    advice = prof.codes(doc, "HLH002")
    assert [f["data"]["qualname"] for f in advice][:1] == ["numeric_loop"]
    assert "hlopt nativize" in advice[0]["fix"]["title"]
    assert advice[0]["severity"] == "info"
    assert doc["exit_code"] == 0


@pytest.mark.usefixtures("needs_py_spy")
def test_py_spy_ranks_the_numeric_loop_first(prof) -> None:  # noqa: ANN001
    # 400 Hz: at py-spy's default 100 Hz a loaded machine can leave the small scramble()
    # with no sample at all in a half-scale run
    doc = prof.run(["--lines", "--top", "30", "--rate", "400", MIXED, "--", "--scale", "0.5"])
    _check_ranking(prof, doc)
    assert prof.hot(doc)[0]["engine"] == "py-spy"
    # py-spy reads the line each frame is on: the loop's body is where the time goes
    assert prof.hot(doc)[0]["top_lines"][0]["source"].startswith(("acc =", "x ="))
    assert doc["notes"][0].startswith("py-spy, wall mode")


def test_pyinstrument_ranks_the_numeric_loop_first(prof) -> None:  # noqa: ANN001
    pytest.importorskip("pyinstrument", reason="pyinstrument is not installed")
    doc = prof.run(["--engine", "pyinstrument", "--top", "30", MIXED, "--", "--scale", "0.5"])
    _check_ranking(prof, doc)
    assert prof.hot(doc)[0]["engine"] == "pyinstrument"


def test_cprofile_ranks_the_numeric_loop_first_with_exact_calls(prof) -> None:  # noqa: ANN001
    doc = prof.run(["--engine", "cprofile", "--top", "30", MIXED, "--", "--scale", "0.5"])
    _check_ranking(prof, doc)
    by_name = {h["qualname"]: h for h in prof.hot(doc)}
    assert by_name["numeric_loop"]["calls"] == 1
    assert by_name["scramble"]["calls"] == 125_000
    assert by_name["fib"]["calls"] == 2 * 150_049  # fib(24) twice at this scale
    assert by_name["fib"]["calls_source"] == "cprofile"


def test_cprofile_cpu_mode_leaves_out_the_sleep(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import time

        def spin():
            return sum(i * i for i in range(400_000))

        time.sleep(0.4)
        spin()
    """)
    wall = prof.run(["--engine", "cprofile", str(path)])
    cpu = prof.run(["--engine", "cprofile", "--mode", "cpu", str(path)])
    assert prof.hot(wall)[0]["qualname"] == "time.sleep"
    assert prof.hot(cpu)[0]["qualname"] != "time.sleep"
    sleep_cpu = [h for h in prof.hot(cpu) if h["qualname"] == "time.sleep"]
    assert not sleep_cpu or sleep_cpu[0]["self_share"] < 0.2


@pytest.mark.usefixtures("needs_py_spy")
def test_py_spy_cpu_mode_leaves_out_the_sleep(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import time

        def waits():
            time.sleep(1.5)

        def spins():
            total = 0
            for i in range(3_000_000):  # about 0.2 s of CPU
                total += i * i
            return total

        waits()
        spins()
    """)
    wall = prof.run([str(path)])
    cpu = prof.run(["--mode", "cpu", str(path)])
    wall_names = [h["qualname"] for h in prof.hot(wall)]
    cpu_names = [h["qualname"] for h in prof.hot(cpu)]
    assert wall_names[0] == "waits"
    assert "waits" not in cpu_names[:1]


@pytest.mark.usefixtures("needs_py_spy")
def test_idle_includes_waiting_threads(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import threading

        def background():
            threading.Event().wait(1.0)

        def work():
            return sum(i * i for i in range(1_500_000))

        t = threading.Thread(target=background, daemon=True)
        t.start()
        work()
    """)
    plain = prof.run([str(path)])
    idle = prof.run(["--idle", str(path)])
    assert "background" not in {h["qualname"] for h in prof.hot(plain)}
    assert any(h["qualname"] == "Event.wait" or h["qualname"] == "background"
               or h["qualname"] == "Condition.wait" for h in prof.hot(idle))


@pytest.mark.usefixtures("needs_py_spy")
def test_subprocesses_follows_a_non_python_command(prof, script) -> None:  # noqa: ANN001
    child = script("""
        def child_loop():
            total = 0
            for i in range(2_000_000):  # a plain loop: the time is child_loop's own
                total += i * i
            return total

        child_loop()
    """, "child.py")
    doc = prof.run(["--subprocesses", "--", "sh", "-c", f"{sys.executable} {child}"])
    assert "child_loop" in {h["qualname"] for h in prof.hot(doc)}


@pytest.mark.usefixtures("needs_py_spy")
def test_a_non_python_command_needs_subprocesses(invoke) -> None:  # noqa: ANN001
    result = invoke(["profile", "--", "sh", "-c", "true"], exit_code=2)
    assert "is not a Python program" in result.stderr
    assert "--subprocesses" in result.stderr


@pytest.mark.usefixtures("needs_py_spy")
def test_native_frames_are_reported(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import zlib

        def squeeze():
            data = bytes(range(256)) * 40_000
            for _ in range(8):
                zlib.compress(data, 9)

        squeeze()
    """)
    doc = prof.run(["--native", "--mode", "cpu", str(path)])
    native = [h for h in prof.hot(doc) if h["scope"] == "native"]
    assert native and native[0]["rank"] == 1, prof.hot(doc)  # zlib's C code, not Python
    plain = prof.run(["--mode", "cpu", str(path)])
    assert not [h for h in prof.hot(plain) if h["scope"] == "native"]


@pytest.mark.usefixtures("needs_py_spy_attach")
def test_attach_to_a_running_process(prof, tmp_path: Path) -> None:  # noqa: ANN001
    import subprocess

    prog = tmp_path / "server.py"
    prog.write_text("import time\n\ndef busy():\n    while True:\n        sum(range(10000))\n\n"
                    "busy()\n")
    proc = subprocess.Popen([sys.executable, str(prog)])
    try:
        doc = prof.run(["--pid", str(proc.pid), "--duration", "1", "--mode", "cpu"])
    finally:
        proc.kill()
        proc.wait()
    assert prof.hot(doc)[0]["qualname"] == "busy"
    assert proc.returncode is not None
