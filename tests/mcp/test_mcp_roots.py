"""The server's allow-list: paths must resolve inside the roots; programs need --allow-exec."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hlopt.core.errors import InputError
from hlopt.mcp_server.roots import Policy, Refused


@pytest.fixture
def policy(project: Path) -> Policy:
    return Policy.create([project], allow_exec=True)


def test_relative_and_absolute_paths_inside_pass_unchanged(policy: Policy, project: Path) -> None:
    assert policy.path("pkg") == Path("pkg")
    assert policy.path(str(project / "pkg" / "util.py")) == project / "pkg" / "util.py"
    assert policy.path(".") == Path(".")
    assert policy.path("not-yet-written.json") == Path("not-yet-written.json")


@pytest.mark.parametrize("raw", ["..", "pkg/../../", "/etc/passwd", "/", ""])
def test_paths_outside_the_roots_are_refused(policy: Policy, raw: str) -> None:
    with pytest.raises(Refused, match="outside the server's roots|not a valid path"):
        policy.path(raw)


def test_a_symlink_pointing_out_is_refused(policy: Policy, project: Path, tmp_path: Path) -> None:
    (tmp_path / "secret").mkdir()
    (project / "escape").symlink_to(tmp_path / "secret")
    with pytest.raises(Refused, match=r"resolves to .*secret, which is outside"):
        policy.path("escape")
    (project / "inner").symlink_to(project / "pkg")
    assert policy.path("inner") == Path("inner")


def test_a_symlink_loop_and_a_nul_byte_are_refused(policy: Policy, project: Path) -> None:
    (project / "loop").symlink_to(project / "loop")
    with pytest.raises(Refused):
        policy.path("loop/x")
    with pytest.raises(Refused, match="not a valid path"):
        policy.path("pkg\x00")


def test_several_roots_and_the_default_root(project: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    two = Policy.create([project, other])
    assert two.path(str(other)) == other and two.base == project.resolve()
    monkeypatch.chdir(other)
    assert Policy.create([]).roots == (other.resolve(),)
    with pytest.raises(InputError, match="not a directory"):
        Policy.create([tmp_path / "missing"])


def test_running_anything_needs_allow_exec(project: Path) -> None:
    locked = Policy.create([project])
    with pytest.raises(Refused, match="without --allow-exec"):
        locked.script("hot.py")
    with pytest.raises(Refused, match="without --allow-exec"):
        locked.module("hot")


def test_only_python_files_inside_the_roots_run(policy: Policy, project: Path) -> None:
    assert policy.script("hot.py") == Path("hot.py")
    (project / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(project / "run.sh", 0o755)
    with pytest.raises(Refused, match="not a Python file"):
        policy.script("run.sh")
    with pytest.raises(Refused, match="no such file"):
        policy.script("missing.py")
    with pytest.raises(Refused, match="outside"):
        policy.script("/usr/bin/env")


def test_only_modules_in_the_first_root_run(policy: Policy, project: Path) -> None:
    assert policy.module("hot") == "hot"
    assert policy.module("pkg.util") == "pkg.util"
    (project / "tool").mkdir()
    (project / "tool" / "__main__.py").write_text("print(1)\n")
    assert policy.module("tool") == "tool"
    for name, why in (("http.server", "standard library"), ("pytest", "not found"),
                      ("os; rm -rf /", "not a dotted module name")):
        with pytest.raises(Refused, match=why):
            policy.module(name)


def test_a_tree_with_a_symlink_leading_out_is_refused(policy: Policy, project: Path,
                                                       tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.py").write_text("import os\n")
    assert policy.trees(["pkg", "."]) == (Path("pkg"), Path("."))
    (project / "pkg" / "vendored").symlink_to(outside)
    with pytest.raises(Refused, match=r"contains the symlink .*vendored -> .*outside"):
        policy.trees(["."])
    (project / "pkg" / "vendored").unlink()
    (project / "pkg" / "one.py").symlink_to(outside / "victim.py")
    with pytest.raises(Refused, match="leads outside the server's roots"):
        policy.trees(["pkg"])
    (project / "pkg" / "one.py").unlink()
    (project / "python").symlink_to("/usr/bin/env")  # not Python source, not a directory
    (project / "inside").symlink_to(project / "pkg")
    assert policy.trees(["."]) == (Path("."),)
