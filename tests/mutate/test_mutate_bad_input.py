"""Bad input: failing tests before mutation, no tests, paths outside the project, and more."""

from __future__ import annotations

from pathlib import Path


def test_a_suite_failing_before_mutation_stops_the_run(invoke, weak_project: Path,
                                                       monkeypatch) -> None:
    tests = weak_project / "tests" / "test_calc.py"
    tests.write_text(tests.read_text() + "\n\ndef test_broken():\n    assert 1 == 2\n")
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "--no-cache"], exit_code=2)
    assert "the tests fail before any mutation (1 of 5 failed)" in result.stderr
    assert "tests/test_calc.py::test_broken" in result.stderr
    assert "hint:" in result.stderr


def test_tests_that_do_not_collect_stop_the_run(invoke, weak_project: Path,
                                                monkeypatch) -> None:
    (weak_project / "tests" / "test_calc.py").write_text("import no_such_module\n")
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "--no-cache"], exit_code=2)
    assert "pytest stopped before any mutant ran" in result.stderr
    assert "no_such_module" in result.stderr


def test_no_tests_found(invoke, weak_project: Path, monkeypatch) -> None:
    (weak_project / "tests" / "test_calc.py").unlink()
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "--no-cache"], exit_code=2)
    assert "no tests found" in result.stderr and "--tests" in result.stderr


def test_a_path_outside_the_project(invoke, weak_project: Path, tmp_path: Path,
                                    monkeypatch) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("def f():\n    return 1\n")
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "pkg", str(outside)], exit_code=2)
    assert f"{outside} is outside the project {weak_project}" in result.stderr


def test_a_missing_path_and_a_test_command_that_is_not_pytest(invoke, weak_project: Path,
                                                              monkeypatch) -> None:
    monkeypatch.chdir(weak_project)
    assert "no such file" in invoke(["mutate", "nope.py"], exit_code=2).stderr
    result = invoke(["mutate", "pkg", "--tests", "make test"], exit_code=2)
    assert "runs pytest suites" in result.stderr


def test_only_a_function_that_does_not_exist(invoke, weak_project: Path, monkeypatch) -> None:
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "pkg", "--only", "nope"], exit_code=2)
    assert "no such function" in result.stderr and "clamp" in result.stderr


def test_a_bad_profile_report(invoke, weak_project: Path, monkeypatch) -> None:
    (weak_project / "prof.json").write_text("{not json")
    monkeypatch.chdir(weak_project)
    result = invoke(["mutate", "pkg", "--from-profile", "prof.json"], exit_code=2)
    assert "prof.json: not a JSON report" in result.stderr


def test_changed_since_outside_git(invoke, weak_project: Path, monkeypatch) -> None:
    monkeypatch.chdir(weak_project)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(weak_project.parent))
    result = invoke(["mutate", "pkg", "--changed-since", "main"], exit_code=2)
    assert "--changed-since main: git diff failed" in result.stderr
