"""Find what a mutation run needs with no configuration: the project, its sources, its
tests, its interpreter and the pytest arguments."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import InputError, ToolchainError, UsageError
from hlopt.core.files import TEST_DIRS, discover, is_test_name
from hlopt.core.run import find_interpreter

_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "pytest.ini", "tox.ini")
_PYTEST_CONFIG = (("pytest.ini", ""), ("pyproject.toml", "[tool.pytest.ini_options]"),
                  ("tox.ini", "[pytest]"), ("setup.cfg", "[tool:pytest]"))
#: pytest options that take a value and that hlopt drops (it runs the tests itself)
_DROPPED_WITH_VALUE = {"-n", "--numprocesses", "--dist", "--maxprocesses"}
_DROPPED = {"-x", "--exitfirst", "--lf", "--last-failed", "--ff", "--failed-first",
            "--sw", "--stepwise", "--looponfail", "-f"}


@dataclass(frozen=True)
class Project:
    """The project a run works on."""

    root: Path
    files: tuple[Path, ...]  # the source files to mutate (absolute)
    python: Path
    pytest_args: tuple[str, ...]
    #: directories to put first on the tests' sys.path so they import these files
    source_roots: tuple[Path, ...]
    modules: tuple[str, ...]


def project_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` with a project marker."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        if any((directory / m).exists() for m in _MARKERS):
            return directory
    return here


def find_project(paths: tuple[Path, ...], tests: str | None, python: Path | None,
                 exclude: tuple[str, ...], cwd: Path) -> Project:
    """Resolve the paths into a project; raise InputError for what cannot work."""
    given = [p if p.is_absolute() else cwd / p for p in paths] or [cwd]
    for p in given:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
    root = project_root(given[0])
    for p in given:
        if not p.resolve().is_relative_to(root):
            raise InputError(f"{p} is outside the project {root}",
                             hint="mutate one project per run; run hlopt from inside it")
    files = tuple(f.resolve() for f in discover(given, exclude=exclude).files
                  if f.suffix == ".py" and not is_test_file(f.resolve(), root))
    if not files:
        raise InputError(f"no Python source files to mutate under "
                         f"{', '.join(str(p) for p in given)} (test files are not mutated)")
    interpreter = python or find_interpreter(root)
    check_pytest(interpreter)
    roots, modules = source_roots(files)
    return Project(root, files, interpreter, pytest_arguments(tests, root), roots, modules)


def is_test_file(path: Path, root: Path) -> bool:
    if is_test_name(path.name):
        return True
    parts = path.relative_to(root).parts[:-1] if path.is_relative_to(root) else ()
    return any(p in TEST_DIRS for p in parts)


def source_roots(files: tuple[Path, ...]) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The import root of each file (above its top package) and its module name."""
    roots: list[Path] = []
    modules: list[str] = []
    for f in files:
        parts = [f.stem] if f.stem != "__init__" else []
        directory = f.parent
        while (directory / "__init__.py").is_file():
            parts.insert(0, directory.name)
            directory = directory.parent
        if directory not in roots:
            roots.append(directory)
        if parts:
            modules.append(".".join(parts))
    return tuple(roots), tuple(modules)


def pytest_arguments(tests: str | None, root: Path) -> tuple[str, ...]:
    """The pytest arguments of ``--tests``, or the project's own defaults."""
    if tests is None:
        return default_test_paths(root)
    words = shlex.split(tests)
    if words[:3] == ["python", "-m", "pytest"] or words[:3] == ["python3", "-m", "pytest"]:
        words = words[3:]
    elif words and Path(words[0]).name in ("pytest", "py.test"):
        words = words[1:]
    else:
        raise UsageError(f"--tests {tests!r}: hlopt mutate runs pytest suites "
                         "(unittest suites too, through pytest)",
                         hint="give a pytest command, such as --tests 'pytest -q tests/'")
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _DROPPED_WITH_VALUE:
            skip = True
        elif word in _DROPPED or any(word.startswith(f"{d}=") for d in _DROPPED_WITH_VALUE) \
                or (word.startswith("-n") and word[2:].isdigit()):
            continue
        else:
            out.append(word)
    return tuple(out)


def default_test_paths(root: Path) -> tuple[str, ...]:
    """Nothing when pytest is configured (it knows its testpaths), else tests/ or test/."""
    for name, section in _PYTEST_CONFIG:
        f = root / name
        if f.is_file() and (not section or section in f.read_text(errors="replace")):
            return ()
    for name in ("tests", "test"):
        if (root / name).is_dir():
            return (name,)
    return ()


def check_pytest(python: Path) -> None:
    try:
        done = subprocess.run([str(python), "-c", "import pytest"], capture_output=True,
                              timeout=60)
    except OSError as exc:
        raise ToolchainError(f"cannot run {python}: {exc.strerror}") from None
    if done.returncode != 0:
        raise ToolchainError(f"pytest is not installed in {python}",
                             hint=f"{python} -m pip install pytest (or pass --python)")
