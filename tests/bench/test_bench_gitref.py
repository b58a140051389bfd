"""``--ref``: the same benchmark in a temporary worktree of a git ref, always cleaned up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from hlopt.bench.gitref import worktree
from hlopt.core.errors import InputError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FAST = "def f():\n    return sum(i * i for i in range(1000))\n"
#: the working tree's f() holds 64 MB: peak RSS tells the two apart whatever the load
BIG = "KEEP = []\n\n\ndef f():\n    KEEP.append(b\"x\" * 2**26) if not KEEP else None\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t",
                           *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose main branch has a small f(); the working tree's holds 64 MB."""
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text(FAST)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "fast")
    (root / "pkg" / "mod.py").write_text(BIG)
    monkeypatch.chdir(root)
    return root


def worktrees(repo: Path) -> list[str]:
    return [ln for ln in git(repo, "worktree", "list", "--porcelain").splitlines()
            if ln.startswith("worktree ")]


def test_ref_compares_the_committed_code_with_the_working_tree(repo: Path, invoke) -> None:
    result = invoke(["bench", "pkg.mod:f", "--ref", "main", "--rounds", "6", "--metric",
                     "rss", "--metric", "wall", "--format", "json"])
    report = json.loads(result.stdout)
    rss = next(f for f in report["findings"] if f["data"]["metric"] == "rss")
    assert rss["code"] == "HLB001" and "larger peak RSS" in rss["message"]
    assert rss["data"]["before_label"] == "main"
    assert rss["data"]["after_label"] == "working tree"
    assert rss["data"]["ratio"] > 1.5
    assert {f["data"]["metric"] for f in report["findings"] if f["code"] != "HLB005"} \
        == {"rss", "wall"}
    assert report["target"] == "pkg.mod:f (main -> working tree)"
    assert worktrees(repo) == [f"worktree {repo.resolve()}"]


def test_worktree_is_removed_when_the_benchmark_fails(repo: Path, invoke) -> None:
    (repo / "pkg" / "mod.py").write_text("def f():\n    raise ValueError('new bug')\n")
    result = invoke(["bench", "pkg.mod:f", "--ref", "main", "--rounds", "2"], exit_code=2)
    assert "ValueError: new bug" in result.stderr
    assert len(worktrees(repo)) == 1


def test_worktree_context_yields_the_same_subdirectory(repo: Path) -> None:
    with worktree(repo / "pkg", "main") as tree:
        assert (tree / "mod.py").read_text() == FAST
        kept = tree
    assert not kept.exists()
    assert len(worktrees(repo)) == 1


def test_unknown_ref(repo: Path, invoke) -> None:
    result = invoke(["bench", "pkg.mod:f", "--ref", "no-such-branch"], exit_code=2)
    assert "--ref 'no-such-branch': no such commit, branch or tag" in result.stderr


def test_ref_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not inside one"), worktree(tmp_path, "main"):
        pass
