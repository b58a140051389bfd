"""``--ref REF``: check REF out into a temporary git worktree, and always remove it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hlopt.core.errors import InputError
from hlopt.core.run import run


def _git(args: list[str], cwd: Path) -> str:
    done = run(["git", *args], cwd=cwd, timeout=120)
    if done.returncode != 0:
        raise InputError(f"git {' '.join(args)} failed in {cwd}: "
                         f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    return done.stdout.strip()


def repo_root(cwd: Path) -> Path:
    """The top of the git work tree holding ``cwd``; InputError outside a repository."""
    done = run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, timeout=60)
    if done.returncode != 0:
        raise InputError(f"--ref needs a git repository; {cwd} is not inside one",
                         hint="run hlopt bench from the project's checkout, or use --baseline")
    return Path(done.stdout.strip()).resolve()


def resolve_ref(root: Path, ref: str) -> str:
    """The commit ``ref`` names; InputError with a hint when it names none."""
    done = run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=root,
               timeout=60)
    if done.returncode != 0 or not done.stdout.strip():
        raise InputError(f"--ref {ref!r}: no such commit, branch or tag in {root}",
                         hint="list them with `git branch -a` and `git tag`")
    return done.stdout.strip()


@contextmanager
def worktree(cwd: Path, ref: str) -> Iterator[Path]:
    """Yield the directory in a detached worktree of ``ref`` that corresponds to ``cwd``."""
    root = repo_root(cwd)
    commit = resolve_ref(root, ref)
    tmp = Path(tempfile.mkdtemp(prefix="hlopt-bench-ref-"))
    tree = tmp / "tree"
    try:
        _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], root)
        yield tree / cwd.resolve().relative_to(root)
    finally:
        run(["git", "worktree", "remove", "--force", str(tree)], cwd=root, timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)
        run(["git", "worktree", "prune"], cwd=root, timeout=120)
