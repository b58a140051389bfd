"""Bad input gets the error, never a timing: imports, setups and stmts that fail or hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlopt.bench.model import CallableSpec, CommandSpec
from hlopt.bench.timer import run_child, run_command, split_command
from hlopt.core.errors import InputError

TIME = {"mode": "time", "loops": 2, "values": 1}


def spec(workdir: Path, target: str | None, **kw: str) -> CallableSpec:
    return CallableSpec(target, cwd=workdir, paths=(workdir,), **kw)


def test_a_target_that_does_not_import(workdir: Path) -> None:
    with pytest.raises(InputError) as err:
        run_child(spec(workdir, "nosuchmodule:f"), TIME, timeout=30)
    assert "cannot import nosuchmodule:f" in err.value.message
    assert "No module named 'nosuchmodule'" in err.value.message


def test_a_module_that_raises_on_import_names_the_line(workdir: Path) -> None:
    (workdir / "broken.py").write_text("x = 1\nraise RuntimeError('half-written module')\n")
    with pytest.raises(InputError) as err:
        run_child(spec(workdir, "broken:f"), TIME, timeout=30)
    assert "RuntimeError: half-written module" in err.value.message
    assert err.value.hint is not None and "broken.py:2" in err.value.hint


def test_a_missing_attribute(workdir: Path) -> None:
    with pytest.raises(InputError, match="has no attribute 'nope'"):
        run_child(spec(workdir, "work:nope"), TIME, timeout=30)


def test_a_stmt_that_raises_reports_the_error(workdir: Path) -> None:
    with pytest.raises(InputError) as err:
        run_child(spec(workdir, "work:boom"), TIME, timeout=30)
    assert err.value.message == "work:boom: --stmt raised: ZeroDivisionError: division by zero"
    assert err.value.hint is not None and "work.py" in err.value.hint and "boom" in err.value.hint


def test_a_setup_that_raises(workdir: Path) -> None:
    with pytest.raises(InputError, match="--setup raised: NameError"):
        run_child(spec(workdir, "work:same", setup="undefined_name"), TIME, timeout=30)


def test_a_stmt_that_is_not_python(workdir: Path) -> None:
    with pytest.raises(InputError, match="--stmt is not valid Python: SyntaxError"):
        run_child(spec(workdir, "work:same", stmt="same(("), TIME, timeout=30)


def test_sys_exit_in_the_stmt_is_an_error_not_a_crash(workdir: Path) -> None:
    with pytest.raises(InputError, match="SystemExit: 3"):
        run_child(spec(workdir, None, stmt="import sys; sys.exit(3)"), TIME, timeout=30)


def test_a_callable_that_never_returns_hits_the_timeout(workdir: Path) -> None:
    with pytest.raises(InputError) as err:
        run_child(spec(workdir, "work:never"), {"mode": "calibrate", "min_time_ns": 10**6},
                  timeout=1.5)
    assert "did not finish within 1.5 s (--timeout)" in err.value.message


def test_cli_timeout_exit_code_and_message(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work:never", "--timeout", "1"], exit_code=2)
    assert "hlopt: error: work:never: did not finish within 1 s (--timeout)" in result.stderr
    assert "hint:" in result.stderr


def test_cli_stmt_error_exit_code(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work:same", "--stmt", "same(1, 2, 3)"], exit_code=2)
    assert "TypeError" in result.stderr and "Traceback" not in result.stderr


def test_cli_import_error_exit_code(workdir: Path, invoke) -> None:
    result = invoke(["bench", "work_typo:same"], exit_code=2)
    assert "cannot import work_typo:same" in result.stderr


def test_a_failing_command(workdir: Path) -> None:
    cmd = CommandSpec(split_command("python3 -c 'import sys; sys.exit(4)'"), workdir)
    with pytest.raises(InputError, match="exited with 4"):
        run_command(cmd, timeout=30)


def test_a_command_that_hangs(workdir: Path) -> None:
    cmd = CommandSpec(("sleep", "30"), workdir)
    with pytest.raises(InputError, match="did not finish within 0.5 s"):
        run_command(cmd, timeout=0.5)


def test_a_command_that_does_not_exist(workdir: Path) -> None:
    with pytest.raises(InputError, match="no-such-program-hlopt"):
        run_command(CommandSpec(("no-such-program-hlopt",), workdir), timeout=5)


def test_unbalanced_quotes_in_cmd() -> None:
    with pytest.raises(InputError, match="No closing quotation") as err:
        split_command("python -c 'oops")
    assert err.value.hint == "check the quoting"
